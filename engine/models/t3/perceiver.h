#pragma once
// The perceiver resampler of the Llama T3 conditioning: 32 learned queries cross-attend the
// prompt speech embeddings, then attend themselves, through one shared attention block.

#include <torch/torch.h>

#include "engine/models/t3/weights.h"

namespace chatterbox::models::t3 {

class Perceiver {
 public:
  Perceiver(const WeightReader& w, int64_t channels, int64_t queries, int64_t heads);

  // prompt (B, P, C) -> (B, queries, C).
  torch::Tensor operator()(const torch::Tensor& prompt) const;

 private:
  // x1 + proj_out(attention(to_q(norm(x1)), to_k(norm(x2)), to_v(norm(x2)))).
  torch::Tensor attention_block(const torch::Tensor& x1, const torch::Tensor& x2) const;

  int64_t heads_;
  torch::Tensor queries_;  // (1, queries, C)
  LayerNorm norm_;
  Linear to_q_, to_k_, to_v_, proj_out_;
};

}  // namespace chatterbox::models::t3
