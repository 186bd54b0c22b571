// The torchaudio-style sinc resampler: kernel geometry, output length, band-limited accuracy.

#include <gtest/gtest.h>

#include <cmath>

#include "engine/dsp/sinc_resampler.h"

namespace chatterbox::dsp {
namespace {

torch::Tensor tone(double hz, int64_t rate, int64_t length) {
  return torch::sin(torch::arange(length, torch::kFloat64) * (2 * M_PI * hz / rate))
      .to(torch::kFloat32);
}

TEST(DspSincResampler, KernelGeometryFor24kTo16k) {
  SincResampler down(24000, 16000);
  EXPECT_EQ(down.width(), 10);  // ceil(6 * 3 / 1.98)
  EXPECT_EQ(down.kernel().sizes(), torch::IntArrayRef({2, 1, 23}));
  // Phase 0 sits on an input sample: its central tap is base/orig = 0.66.
  EXPECT_NEAR(down.kernel()[0][0][10].item<float>(), 0.66f, 1e-7);
  SincResampler up(16000, 24000);
  EXPECT_EQ(up.width(), 7);  // ceil(6 * 2 / 1.98)
  EXPECT_EQ(up.kernel().sizes(), torch::IntArrayRef({3, 1, 16}));
}

TEST(DspSincResampler, OutputLengthIsCeilOfTheRatio) {
  SincResampler down(24000, 16000);
  for (int64_t length : {1, 2, 3, 100, 24001})
    EXPECT_EQ(down(torch::zeros({length})).size(0), (2 * length + 2) / 3) << length;
  EXPECT_EQ(down(torch::zeros({2, 3, 300})).sizes(), torch::IntArrayRef({2, 3, 200}));
}

TEST(DspSincResampler, KeepsAnInBandToneAwayFromTheEdges) {
  SincResampler down(24000, 16000);
  torch::Tensor out = down(tone(440.0, 24000, 24000));
  torch::Tensor expected = tone(440.0, 16000, 16000);
  const auto middle = [](const torch::Tensor& t) { return t.slice(0, 200, t.size(0) - 200); };
  EXPECT_LT((middle(out) - middle(expected)).abs().max().item<float>(), 2e-3);
}

TEST(DspSincResampler, IdentityAtEqualRatesAndKernelPrecisionsAgree) {
  torch::Tensor x = tone(1000.0, 16000, 1000);
  EXPECT_TRUE(torch::equal(SincResampler(16000, 16000)(x), x));
  SincResampler in_double(44100, 16000, KernelPrecision::kFloat64);
  SincResampler in_float(44100, 16000, KernelPrecision::kFloat32);
  EXPECT_LT((in_double.kernel() - in_float.kernel()).abs().max().item<float>(), 1e-5);
}

TEST(DspSincResampler, RejectsBadRates) {
  EXPECT_ANY_THROW(SincResampler(0, 16000));
  EXPECT_ANY_THROW(SincResampler(16000, -1));
}

}  // namespace
}  // namespace chatterbox::dsp
