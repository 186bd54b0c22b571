#pragma once
// Scaled dot-product attention for the T3 backbones and the perceiver, with masks built from
// cache positions. On libtorch >= 2 it calls at::scaled_dot_product_attention, except for
// decode steps (one query a row) in bf16/fp16 on CUDA; those, and everything on 1.13, compute
// softmax(q k^T / sqrt(d)) v with plain ops. All give the same numbers within float rounding.

#include <torch/torch.h>

#include "engine/models/t3/kv_cache.h"

namespace chatterbox::models::t3 {

// q (B, H, Tq, D); k, v (B, H, Tk, D). `mask`: undefined (attend everywhere), a bool tensor
// broadcastable to (B, H, Tq, Tk), true where a query may attend a key, or its additive form
// (additive_mask).
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& mask = {});

// A bool mask as 0 where allowed and -inf elsewhere, in `dtype`: converted once for all layers
// rather than in each attention call. Undefined stays undefined.
torch::Tensor additive_mask(const torch::Tensor& allowed, torch::ScalarType dtype);

// Which keys each query of a forward pass over the cache window may see, (B, 1, T, K): row b's
// query q (at position start_b + q) sees every key at or before it that is real (below
// start_b + length_b). A padded query sees itself too, so its ignored output stays finite.
// Undefined when nothing needs masking (one step, every row at the same position).
torch::Tensor decoder_attention_mask(const KVCache::Window& window, const torch::Device& device);

}  // namespace chatterbox::models::t3
