#pragma once
// S3Gen's fade-in of the first 40 ms of every utterance: 20 ms of silence, then a 20 ms
// raised-cosine ramp, which hides the vocoder's start-up artefacts.

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

constexpr int64_t kTrimFadeSamples = 480;  // S3GEN_SR / 50: the silent part and the ramp each

// (960,): 480 zeros, then (cos(linspace(pi, 0, 480)) + 1) / 2, computed in float32 on the CPU
// as the reference's buffer is, then moved to `device`.
torch::Tensor trim_fade_window(const torch::Device& device = torch::kCPU);

// wav (B, L): a copy with its first min(L, 960) samples multiplied by the window.
torch::Tensor apply_trim_fade(const torch::Tensor& wav);

}  // namespace chatterbox::models::s3gen
