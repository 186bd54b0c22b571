#pragma once
// Peak device memory held by libtorch's CUDA allocator, for benchmarks and status. On a build
// without CUDA, or for a device that is not CUDA, nothing is tracked: the peak reads -1.

#include <torch/torch.h>

#include <cstdint>

namespace chatterbox::runtime {

// Bytes of tensors allocated at the peak since the last reset (or the start), or -1.
int64_t peak_device_bytes(const torch::Device& device);
void reset_peak_device_bytes(const torch::Device& device);

}  // namespace chatterbox::runtime
