#pragma once
// Rotary position embedding as HF Llama applies it: llama3-scaled inverse frequencies and the
// rotate-half (non-interleaved) layout.

#include <torch/torch.h>

#include "engine/models/t3/t3_config.h"

namespace chatterbox::models::t3 {

// head_dim / 2 float32 inverse frequencies with llama3 scaling, computed with the same float32
// operations as transformers' _compute_llama3_parameters.
torch::Tensor llama3_inverse_frequencies(const T3Config& config);

struct RotaryTables {
  torch::Tensor cos;         // (B, 1, T, head_dim)
  torch::Tensor signed_sin;  // sin with its first half negated: rotate_half's sign folded in
};

// cos/sin for `positions` (B, T) int64.
RotaryTables rotary_tables(const torch::Tensor& inverse_frequencies,
                           const torch::Tensor& positions);

// x (..., B, H, T, head_dim) -> x * cos + rotate_half(x) * sin, where rotate_half(x) is
// (-x2, x1); computed as x * cos + (x2, x1) * signed_sin, the same numbers in fewer kernels.
torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& tables);

}  // namespace chatterbox::models::t3
