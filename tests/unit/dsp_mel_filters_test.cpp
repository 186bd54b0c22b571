// Mel filter banks: the Slaney scale's fixed points, Slaney area normalisation, and the Kaldi
// banks' shape.

#include <gtest/gtest.h>

#include <cmath>

#include "engine/dsp/mel_filters.h"

namespace chatterbox::dsp {
namespace {

TEST(DspMelFilters, SlaneyScaleIsLinearBelow1kHzAndLogarithmicAbove) {
  EXPECT_DOUBLE_EQ(hz_to_slaney_mel(0.0), 0.0);
  EXPECT_NEAR(hz_to_slaney_mel(500.0), 7.5, 1e-12);
  EXPECT_NEAR(hz_to_slaney_mel(1000.0), 15.0, 1e-12);
  // 27 mels per factor 6.4 above the break.
  EXPECT_NEAR(hz_to_slaney_mel(6400.0), 42.0, 1e-12);
  EXPECT_NEAR(slaney_mel_to_hz(42.0), 6400.0, 1e-9);
  for (double hz : {10.0, 440.0, 999.0, 1000.0, 3000.0, 7999.0})
    EXPECT_NEAR(slaney_mel_to_hz(hz_to_slaney_mel(hz)), hz, 1e-9 * hz);
}

TEST(DspMelFilters, SlaneyFiltersHaveUnitAreaAndTriangularShape) {
  const int64_t sr = 24000, n_fft = 1920, n_mels = 80;
  torch::Tensor w = slaney_mel_filters(sr, n_fft, n_mels, 0.0, 8000.0).to(torch::kFloat64);
  ASSERT_EQ(w.sizes(), torch::IntArrayRef({n_mels, n_fft / 2 + 1}));
  EXPECT_GE(w.min().item<double>(), 0.0);
  const double bin_hz = static_cast<double>(sr) / n_fft;
  const double top = hz_to_slaney_mel(8000.0);
  for (int64_t m = 0; m < n_mels; ++m) {
    const double lo = slaney_mel_to_hz(top * m / (n_mels + 1));
    const double hi = slaney_mel_to_hz(top * (m + 2) / (n_mels + 1));
    // Peak height of a triangle of unit area is 2 / (hi - lo); sampled, it cannot exceed it.
    EXPECT_LE(w[m].max().item<double>(), 2.0 / (hi - lo) * (1 + 1e-6)) << "filter " << m;
    // Riemann sum of the sampled triangle is its area (1) up to the sampling error.
    const double width_bins = (hi - lo) / bin_hz;
    const double area = w[m].sum().item<double>() * bin_hz;
    EXPECT_NEAR(area, 1.0, 2.0 / width_bins) << "filter " << m;
    // Zero outside (lo, hi).
    for (int64_t k = 0; k <= n_fft / 2; ++k) {
      const double f = k * bin_hz;
      if (f <= lo || f >= hi) {
        EXPECT_EQ(w[m][k].item<double>(), 0.0) << m << "," << k;
      }
    }
  }
  // Nothing above fmax.
  EXPECT_EQ(w.slice(1, static_cast<int64_t>(8000.0 / bin_hz) + 1).abs().max().item<double>(), 0.0);
}

TEST(DspMelFilters, SlaneyFilterValueMatchesHandComputation) {
  // sr 16 kHz, n_fft 400 (bins of 40 Hz), 128 mels up to 8 kHz. Filter 0 spans mel 0..2s with
  // s = mel(8000)/129, all below 1 kHz, so its edges are 0, 200/3 s and 400/3 s Hz.
  torch::Tensor w = slaney_mel_filters(16000, 400, 128);
  ASSERT_EQ(w.sizes(), torch::IntArrayRef({128, 201}));
  const double s = (15.0 + std::log(8.0) / (std::log(6.4) / 27.0)) / 129.0;
  const double f1 = 200.0 / 3 * s, f2 = 400.0 / 3 * s;
  ASSERT_GT(f2, 40.0);
  const double expected = (f2 - 40.0) / (f2 - f1) * 2.0 / f2;
  EXPECT_NEAR(w[0][1].item<double>(), expected, 1e-7);
  EXPECT_EQ(w[0][0].item<double>(), 0.0);
}

TEST(DspMelFilters, KaldiBanksPeakAtOneAndLeaveNyquistEmpty) {
  torch::Tensor banks = kaldi_mel_banks(80, 512, 16000.0, 20.0, 0.0);
  ASSERT_EQ(banks.sizes(), torch::IntArrayRef({80, 257}));
  EXPECT_EQ(banks.select(1, 256).abs().max().item<float>(), 0.0f);
  EXPECT_LE(banks.max().item<float>(), 1.0f);
  EXPECT_GE(banks.min().item<float>(), 0.0f);
  EXPECT_NEAR(hz_to_kaldi_mel(700.0), 1127.0 * std::log(2.0), 1e-9);
  // Bins are ordered: each row's peak lies at or after the previous row's.
  torch::Tensor peaks = banks.argmax(1);
  for (int64_t i = 1; i < 80; ++i)
    EXPECT_GE(peaks[i].item<int64_t>(), peaks[i - 1].item<int64_t>());
  // Nothing below 20 Hz (bin 0 is DC).
  EXPECT_EQ(banks.select(1, 0).abs().max().item<float>(), 0.0f);
}

}  // namespace
}  // namespace chatterbox::dsp
