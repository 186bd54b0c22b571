#pragma once
// Deterministic inputs for the benchmarks: timings must not depend on files a machine may lack.

#include <torch/torch.h>

#include <cmath>

namespace chatterbox::bench {

// A voiced, syllable-modulated signal with a little noise, (L,) float32 in [-1, 1].
inline torch::Tensor speech_like_audio(double seconds, int64_t rate) {
  const int64_t n = static_cast<int64_t>(seconds * static_cast<double>(rate));
  const auto t = torch::arange(n, torch::kDouble) / static_cast<double>(rate);
  torch::Tensor voiced = torch::zeros({n}, torch::kDouble);
  for (int harmonic = 1; harmonic <= 8; ++harmonic)
    voiced += torch::sin(2 * M_PI * 140.0 * harmonic * t) / harmonic;
  const auto syllables = 0.5 * (1 - torch::cos(2 * M_PI * 4.0 * t));
  auto generator = at::make_generator<at::CPUGeneratorImpl>(7);
  const auto noise = torch::randn({n}, generator, torch::kDouble) * 0.01;
  return (0.2 * voiced * syllables + noise).to(torch::kFloat32);
}

// n speech token ids spread over the vocabulary, (1, n) int64.
inline torch::Tensor pattern_speech_tokens(int64_t n) {
  return (torch::arange(n, torch::kLong) * 131 + 17).remainder(6561).reshape({1, -1});
}

}  // namespace chatterbox::bench
