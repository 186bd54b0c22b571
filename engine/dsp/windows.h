#pragma once
// Analysis windows used by the S3Gen front ends (spec s3gen.md 4.6).

#include <torch/torch.h>

namespace chatterbox::dsp {

// torch.hann_window(length, periodic) in float32 on `options`' device.
torch::Tensor hann_window(int64_t length, bool periodic,
                          const torch::TensorOptions& options = torch::kFloat32);

// Kaldi's "povey" window: the symmetric Hann window raised to 0.85 (zero at both ends).
torch::Tensor povey_window(int64_t length, const torch::TensorOptions& options = torch::kFloat32);

}  // namespace chatterbox::dsp
