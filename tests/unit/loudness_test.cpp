#include "engine/dsp/loudness.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <complex>

#include "engine/common/error.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

torch::Tensor sine(double freq, double amplitude, int rate, double seconds) {
  const auto n = static_cast<int64_t>(seconds * rate);
  const torch::Tensor t = torch::arange(n, torch::kFloat64) / rate;
  return (amplitude * torch::sin(2.0 * M_PI * freq * t)).to(torch::kFloat32);
}

std::array<double, 5> normalised(const dsp::Biquad& f) {
  return {f.b[0] / f.a[0], f.b[1] / f.a[0], f.b[2] / f.a[0], f.a[1] / f.a[0], f.a[2] / f.a[0]};
}

TEST(Loudness, KWeightingAt48kIsCloseToTheBs1770Coefficients) {
  // ITU-R BS.1770-4 tables 1 and 2 (48 kHz). pyloudnorm designs the same filters with the
  // RBJ cookbook formulas, which agree to a few 1e-3 (the high-pass differs in overall gain,
  // so its numerator is compared by shape).
  const auto shelf = normalised(dsp::k_weighting_shelf(48000));
  const double itu_shelf[5] = {1.53512485958697, -2.69169618940638, 1.19839281085285,
                               -1.69065929318241, 0.73248077421585};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(shelf[i], itu_shelf[i], 2e-3) << "shelf " << i;
  const auto hp = normalised(dsp::k_weighting_highpass(48000));
  EXPECT_NEAR(hp[1] / hp[0], -2.0, 1e-12);
  EXPECT_NEAR(hp[2] / hp[0], 1.0, 1e-12);
  EXPECT_NEAR(hp[3], -1.99004745483398, 1e-4);
  EXPECT_NEAR(hp[4], 0.99007225036621, 1e-4);
}

// |H(e^jw)|^2 of a biquad at `freq`.
double power_response(const dsp::Biquad& f, double freq, double rate) {
  const std::complex<double> z = std::polar(1.0, -2.0 * M_PI * freq / rate);  // z^-1
  const auto num = f.b[0] + f.b[1] * z + f.b[2] * z * z;
  const auto den = f.a[0] + f.a[1] * z + f.a[2] * z * z;
  return std::norm(num / den);
}

TEST(Loudness, SteadySineReadsItsKWeightedPower) {
  for (int rate : {48000, 44100, 24000}) {
    const double weighted = power_response(dsp::k_weighting_shelf(rate), 997.0, rate) *
                            power_response(dsp::k_weighting_highpass(rate), 997.0, rate);
    for (double amplitude : {1.0, 0.1}) {
      // Mean square of the weighted sine is A^2/2 * |H|^2; -0.691 is the BS.1770 offset.
      const double expected = -0.691 + 10.0 * std::log10(amplitude * amplitude / 2.0 * weighted);
      EXPECT_NEAR(dsp::integrated_loudness(sine(997.0, amplitude, rate, 5.0), rate), expected, 2e-3)
          << rate << " Hz, amplitude " << amplitude;
    }
    // BS.1770 states -3.01 LKFS for a 0 dBFS 1 kHz sine; the RBJ-designed filters read about
    // 0.04 LU lower, as pyloudnorm does.
    EXPECT_NEAR(dsp::integrated_loudness(sine(997.0, 1.0, rate, 5.0), rate), -3.01, 0.06);
  }
}

TEST(Loudness, GainShiftsLoudnessByItsDecibels) {
  const torch::Tensor x = torch::randn({24000 * 3}) * 0.05;
  const double base = dsp::integrated_loudness(x, 24000);
  EXPECT_NEAR(dsp::integrated_loudness(x * 2.0, 24000), base + 20.0 * std::log10(2.0), 1e-4);
}

TEST(Loudness, SilenceIsGatedOut) {
  const torch::Tensor tone = sine(997.0, 0.5, 24000, 2.0);
  const torch::Tensor with_silence = torch::cat({tone, torch::zeros({24000 * 3})});
  const double loud = dsp::integrated_loudness(tone, 24000);
  const double gated = dsp::integrated_loudness(with_silence, 24000);
  // Ungated, 3 s of silence would lower the level by 10 log10(5/2) = 4 LU; the absolute gate
  // drops the silent blocks and only the partly-filled boundary blocks pull it down a little.
  EXPECT_LT(loud - gated, 1.0);
  EXPECT_GT(loud - gated, 0.0);
  EXPECT_TRUE(std::isinf(dsp::integrated_loudness(torch::zeros({24000}), 24000)));
}

TEST(Loudness, NormalisationReachesTheTarget) {
  const torch::Tensor speechlike = torch::randn({24000 * 6}) * 0.02;
  const dsp::LoudnessResult r = dsp::normalize_loudness(speechlike, 24000, -27.0);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.wav.dtype(), torch::kFloat32);
  EXPECT_NEAR(std::pow(10.0, (-27.0 - r.input_lufs) / 20.0), r.gain, 1e-12);
  EXPECT_NEAR(dsp::integrated_loudness(r.wav, 24000), -27.0, 1e-4);
}

TEST(Loudness, UnmeasurableAudioIsLeftUnchanged) {
  const torch::Tensor short_clip = torch::randn({24000 / 4});  // shorter than a 400 ms block
  EXPECT_THROW(dsp::integrated_loudness(short_clip, 24000), Error);
  const dsp::LoudnessResult r = dsp::normalize_loudness(short_clip, 24000);
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(r.wav.equal(short_clip));
  const torch::Tensor silent = torch::zeros({24000 * 6});
  const dsp::LoudnessResult s = dsp::normalize_loudness(silent, 24000);
  EXPECT_FALSE(s.applied);  // -inf LUFS gives an infinite gain, which the reference skips
  EXPECT_TRUE(s.wav.equal(silent));
}

// torchaudio.functional.resample (sinc_interp_hann, width 6, rolloff 0.99, float32 kernel):
// the stand-in the golden used for the 24 kHz -> 16 kHz step after normalisation. Test-only.
torch::Tensor torchaudio_resample_24k_to_16k(const torch::Tensor& wav) {
  const int64_t orig = 3, next = 2, lowpass_width = 6;
  const double base = std::min(orig, next) * 0.99;
  const auto width = static_cast<int64_t>(std::ceil(lowpass_width * orig / base));
  const auto f32 = torch::kFloat32;
  const torch::Tensor idx = torch::arange(-width, width + orig, f32).view({1, 1, -1}) / orig;
  torch::Tensor t = torch::arange(0, -next, -1, f32).view({-1, 1, 1}) / next + idx;
  t = (t * base).clamp(-lowpass_width, lowpass_width);
  const torch::Tensor window = torch::cos(t * M_PI / lowpass_width / 2).pow(2);
  t = t * M_PI;
  torch::Tensor kernel = torch::where(t == 0, torch::ones_like(t), t.sin() / t);
  kernel = kernel * (window * (base / orig));
  const torch::Tensor padded = torch::constant_pad_nd(wav.view({1, 1, -1}), {width, width + orig});
  const torch::Tensor y = torch::conv1d(padded, kernel, {}, orig).transpose(1, 2).reshape({-1});
  const auto target = static_cast<int64_t>(std::ceil(next * wav.size(0) / double(orig)));
  return y.narrow(0, 0, target);
}

// e2e_turbo: wav24 was normalised to -27 LUFS, then resampled to 16 kHz by torchaudio into
// ref16_after_loudness. Normalise wav24 here, resample it the same way, and compare; also
// compare the gain with the one implied by the golden (least squares of golden on resampled
// unnormalised audio, which is exact because resampling is linear).
TEST(Loudness, TurboReferenceNormalisationMatchesTheGolden) {
  const auto golden = testing::load_golden("e2e_turbo");
  const torch::Tensor wav24 = golden["wav24"];
  const torch::Tensor expected16 = golden["ref16_after_loudness"];
  const dsp::LoudnessResult r = dsp::normalize_loudness(wav24, 24000, -27.0);
  ASSERT_TRUE(r.applied);

  const torch::Tensor base16 = torchaudio_resample_24k_to_16k(wav24).to(torch::kFloat64);
  const torch::Tensor golden64 = expected16.to(torch::kFloat64);
  const double implied_gain =
      (golden64 * base16).sum().item<double>() / (base16 * base16).sum().item<double>();
  EXPECT_NEAR(r.gain / implied_gain, 1.0, 1e-6)
      << "gain " << r.gain << " vs implied " << implied_gain << " (input " << r.input_lufs
      << " LUFS)";

  const torch::Tensor ours16 = torchaudio_resample_24k_to_16k(r.wav);
  EXPECT_TENSORS_CLOSE(ours16, expected16, 2e-6);
}

}  // namespace
}  // namespace chatterbox
