#include "engine/dsp/windows.h"

namespace chatterbox::dsp {

torch::Tensor hann_window(int64_t length, bool periodic, const torch::TensorOptions& options) {
  return torch::hann_window(length, periodic, options.dtype(torch::kFloat32));
}

torch::Tensor povey_window(int64_t length, const torch::TensorOptions& options) {
  return hann_window(length, /*periodic=*/false, options).pow(0.85);
}

}  // namespace chatterbox::dsp
