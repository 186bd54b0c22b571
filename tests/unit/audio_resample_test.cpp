#include <gtest/gtest.h>

#include <cmath>

#include "engine/common/error.h"
#include "engine/dsp/resample_soxr.h"

namespace chatterbox {
namespace {

torch::Tensor sine(double freq, double amplitude, int rate, int64_t n) {
  const torch::Tensor t = torch::arange(n, torch::kFloat64) / rate;
  return (amplitude * torch::sin(2.0 * M_PI * freq * t)).to(torch::kFloat32);
}

// Frequency of the strongest component (Hann-windowed DFT, parabolic interpolation of the
// log-magnitude peak), and its amplitude by a least-squares sine/cosine fit at that frequency.
struct Tone {
  double freq;
  double amplitude;
};
Tone strongest_tone(const torch::Tensor& x, int rate) {
  const int64_t n = x.size(0);
  const torch::Tensor w = torch::hann_window(n, /*periodic=*/true, torch::kFloat64);
  const torch::Tensor mag = torch::fft::rfft(x.to(torch::kFloat64) * w).abs();
  const int64_t k = mag.argmax().item<int64_t>();
  const double a = std::log(mag[k - 1].item<double>()), b = std::log(mag[k].item<double>()),
               c = std::log(mag[k + 1].item<double>());
  const double delta = 0.5 * (a - c) / (a - 2 * b + c);
  const double freq = (k + delta) * rate / static_cast<double>(n);
  const torch::Tensor phase = 2.0 * M_PI * freq * torch::arange(n, torch::kFloat64) / rate;
  const torch::Tensor basis = torch::stack({torch::sin(phase), torch::cos(phase)}, 1);
  const torch::Tensor coef =
      torch::linalg_solve(basis.t().matmul(basis), basis.t().matmul(x.to(torch::kFloat64)));
  return {freq, coef.norm().item<double>()};
}

struct RatePair {
  int in, out;
};

class SoxrResampleTest : public ::testing::TestWithParam<RatePair> {};

TEST_P(SoxrResampleTest, KeepsASineFrequencyAndAmplitude) {
  const auto [in, out] = GetParam();
  const int64_t n = in;  // one second
  const torch::Tensor x = sine(1234.5, 0.5, in, n);
  const torch::Tensor y = dsp::resample_soxr_hq(x, in, out);
  ASSERT_EQ(y.size(0), dsp::resampled_length(n, in, out));
  EXPECT_EQ(y.dtype(), torch::kFloat32);
  // Away from the filter's start-up and tail, the tone is unchanged.
  const torch::Tensor middle = y.narrow(0, out / 10, out * 8 / 10);
  const Tone tone = strongest_tone(middle, out);
  EXPECT_NEAR(tone.freq, 1234.5, 0.05);
  EXPECT_NEAR(tone.amplitude, 0.5, 0.5 * 1e-3);
  // Sample-wise against the analytic sine at the new rate (soxr HQ is linear phase, no delay).
  const torch::Tensor expected =
      sine(1234.5, 0.5, out, y.size(0)).narrow(0, out / 10, out * 8 / 10);
  EXPECT_LT((middle - expected).abs().max().item<double>(), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Rates, SoxrResampleTest,
                         ::testing::Values(RatePair{24000, 16000}, RatePair{16000, 24000},
                                           RatePair{44100, 24000}, RatePair{48000, 16000},
                                           RatePair{22050, 16000}, RatePair{8000, 24000}));

TEST(SoxrResample, LengthFollowsLibrosa) {
  EXPECT_EQ(dsp::resampled_length(199655, 24000, 16000), 133104);  // ceil(2N/3)
  EXPECT_EQ(dsp::resampled_length(64000, 16000, 24000), 96000);
  EXPECT_EQ(dsp::resampled_length(1, 44100, 16000), 1);
  const torch::Tensor x = torch::randn({12345});
  EXPECT_EQ(dsp::resample_soxr_hq(x, 44100, 16000).size(0), 4479);
  EXPECT_EQ(dsp::resample_soxr_hq(x, 16000, 44100).size(0), 34026);
}

TEST(SoxrResample, SameRateIsIdentityAndBatchesAreIndependent) {
  const torch::Tensor x = torch::randn({2, 4000});
  EXPECT_TRUE(dsp::resample_soxr_hq(x, 16000, 16000).equal(x));
  const torch::Tensor batched = dsp::resample_soxr_hq(x, 16000, 24000);
  ASSERT_EQ(batched.sizes(), (std::vector<int64_t>{2, 6000}));
  EXPECT_TRUE(batched[1].equal(dsp::resample_soxr_hq(x[1], 16000, 24000)));
}

TEST(SoxrResample, BadArgumentsAreRejected) {
  EXPECT_THROW(dsp::resample_soxr_hq(torch::zeros({10}), 0, 16000), Error);
  EXPECT_THROW(dsp::resample_soxr_hq(torch::zeros({1, 1, 10}), 8000, 16000), Error);
}

}  // namespace
}  // namespace chatterbox
