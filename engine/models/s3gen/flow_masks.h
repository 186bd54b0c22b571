#pragma once
// Padding masks for the flow: true where a frame is real, false where it pads a shorter item.

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// lengths (B,) int64 -> (B, max_len) bool, true for positions < length.
inline torch::Tensor valid_mask(const torch::Tensor& lengths, int64_t max_len) {
  auto positions = torch::arange(max_len, lengths.options().dtype(torch::kInt64));
  return positions.unsqueeze(0) < lengths.to(torch::kInt64).unsqueeze(1);
}

}  // namespace chatterbox::models::s3gen
