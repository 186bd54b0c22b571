#include "engine/models/s3gen/trim_fade.h"

#include <algorithm>
#include <cmath>

namespace chatterbox::models::s3gen {

torch::Tensor trim_fade_window(const torch::Device& device) {
  torch::Tensor window = torch::zeros({2 * kTrimFadeSamples}, torch::kFloat32);
  const torch::Tensor ramp = torch::linspace(M_PI, 0, kTrimFadeSamples, torch::kFloat32);
  window.slice(0, kTrimFadeSamples).copy_((torch::cos(ramp) + 1) / 2);
  return window.to(device);
}

torch::Tensor apply_trim_fade(const torch::Tensor& wav) {
  torch::Tensor faded = wav.clone();
  const int64_t n = std::min<int64_t>(wav.size(-1), 2 * kTrimFadeSamples);
  const torch::Tensor window = trim_fade_window(wav.device()).slice(0, 0, n).to(wav.dtype());
  faded.slice(-1, 0, n).mul_(window);
  return faded;
}

}  // namespace chatterbox::models::s3gen
