#include "engine/dsp/synthetic_voice.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace chatterbox::dsp {

torch::Tensor synthetic_voice(double seconds, int64_t rate) {
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

}  // namespace chatterbox::dsp
