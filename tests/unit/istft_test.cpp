#include <gtest/gtest.h>

#include <cmath>

#include "engine/dsp/hift_stft.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

TEST(HiftStft, WindowIsScipysPeriodicHann) {
  const torch::Tensor window = dsp::scipy_periodic_hann(16);
  ASSERT_EQ(window.sizes(), (c10::IntArrayRef{16}));
  EXPECT_EQ(window.scalar_type(), torch::kFloat32);
  EXPECT_EQ(window[0].item<float>(), 0.0f);
  EXPECT_FLOAT_EQ(window[4].item<float>(), 0.5f);
  EXPECT_EQ(window[8].item<float>(), 1.0f);
  for (int k = 1; k < 16; ++k) {
    EXPECT_FLOAT_EQ(window[k].item<float>(), window[16 - k].item<float>()) << k;
    EXPECT_NEAR(window[k].item<float>(), std::pow(std::sin(M_PI * k / 16), 2), 1e-7) << k;
  }
}

TEST(HiftStft, ShapesFollowHopAndCentring) {
  const torch::Tensor window = dsp::scipy_periodic_hann(16);
  const torch::Tensor spec = dsp::stft_real_imag(torch::randn({3, 480}), window);
  EXPECT_EQ(spec.sizes(), (c10::IntArrayRef{3, 18, 121}));
}

TEST(HiftStft, InverseOfForwardReproducesTheSignal) {
  torch::manual_seed(5);
  const torch::Tensor window = dsp::scipy_periodic_hann(16);
  const torch::Tensor signal = torch::randn({2, 960});
  const torch::Tensor spec = dsp::stft_real_imag(signal, window);
  const torch::Tensor real = spec.slice(1, 0, 9), imag = spec.slice(1, 9);
  const torch::Tensor magnitude = torch::sqrt(real * real + imag * imag);
  const torch::Tensor phase = torch::atan2(imag, real);
  const torch::Tensor rebuilt = dsp::istft_polar(magnitude, phase, window);
  EXPECT_TENSORS_CLOSE(rebuilt, signal, 1e-5);
}

TEST(HiftStft, ConstantInputGivesTheWindowsSpectrum) {
  // A periodic Hann window of 16 has DFT 8 at bin 0, -4 at bin 1 and 0 elsewhere.
  const torch::Tensor window = dsp::scipy_periodic_hann(16);
  const torch::Tensor spec = dsp::stft_real_imag(torch::ones({1, 64}), window);
  const int64_t frames = spec.size(2);
  torch::Tensor expected = torch::zeros({1, 18, frames});
  expected.select(1, 0).fill_(8.0);
  expected.select(1, 1).fill_(-4.0);
  EXPECT_TENSORS_CLOSE(spec, expected, 1e-5);
}

}  // namespace
}  // namespace chatterbox
