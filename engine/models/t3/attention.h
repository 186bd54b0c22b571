#pragma once
// Scaled dot-product attention for the T3 backbones and the perceiver, with masks built from
// cache positions. On libtorch >= 2 it calls at::scaled_dot_product_attention; on 1.13 it
// computes softmax(q k^T / sqrt(d)) v with plain ops. Both give the same numbers within float
// rounding.

#include <torch/torch.h>

namespace chatterbox::models::t3 {

// q (B, H, Tq, D); k, v (B, H, Tk, D). `allowed`: undefined (attend everywhere) or a bool
// tensor broadcastable to (B, H, Tq, Tk), true where a query may attend a key.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& allowed = {});

// Which keys each query may see, (B, 1, Tq, past + Tq): causal within the new steps, every
// cached step, and only keys that `key_mask` (B, past + Tq; true = real token) keeps.
// Returns an undefined tensor when nothing needs masking (a single query and no key mask).
torch::Tensor decoder_attention_mask(int64_t batch, int64_t past, int64_t steps,
                                     const torch::Tensor& key_mask, const torch::Device& device);

}  // namespace chatterbox::models::t3
