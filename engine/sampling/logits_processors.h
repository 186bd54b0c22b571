#pragma once
// The logits processors of the T3 decoding loops, with the exact semantics of the Hugging Face
// processors upstream uses (spec t3-and-pipelines.md 6.11). All work on scores (B, V) in the
// scores' dtype; removed entries become -inf.

#include <torch/torch.h>

namespace chatterbox::sampling {

// For every id in `ids` (B, L): s -> s * penalty if s < 0, else s / penalty. Each id once, from
// the original scores (no compounding for repeated ids).
torch::Tensor apply_repetition_penalty(const torch::Tensor& scores, const torch::Tensor& ids,
                                       double penalty);

torch::Tensor apply_temperature(const torch::Tensor& scores, double temperature);

// Removes scores below the k-th largest (ties with it are kept); k is capped at V.
torch::Tensor apply_top_k(const torch::Tensor& scores, int64_t k);

// Sorts ascending, removes positions whose cumulative softmax is <= 1 - top_p (compared in the
// scores' dtype), always keeps the highest.
torch::Tensor apply_top_p(const torch::Tensor& scores, double top_p);

// Removes tokens whose probability is below min_p times the largest probability.
torch::Tensor apply_min_p(const torch::Tensor& scores, double min_p);

}  // namespace chatterbox::sampling
