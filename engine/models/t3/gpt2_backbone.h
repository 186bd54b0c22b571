#pragma once
// HF GPT2Model (eval) over input embeddings: wpe added at absolute stream positions, pre-LN
// blocks with Conv1D ([in, out]) weights, fused q|k|v, gelu_new MLP, final ln_f. The token
// table `wte` in the checkpoint is unused and not kept.

#include <vector>

#include "engine/models/t3/backbone.h"
#include "engine/models/t3/weights.h"

namespace chatterbox::models::t3 {

class Gpt2Backbone final : public Backbone {
 public:
  Gpt2Backbone(const T3Config& config, const WeightReader& tfmr);

  using Backbone::forward;
  torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& positions, KVCache& cache,
                        const KVCache::Window& window) const override;
  KVCache make_cache(int64_t rows, int64_t capacity) const override;
  torch::ScalarType dtype() const override { return dtype_; }

 private:
  struct Block {
    LayerNorm ln_1;
    Conv1D c_attn, attn_proj;
    LayerNorm ln_2;
    Conv1D c_fc, mlp_proj;
  };

  torch::Tensor self_attention(const Block& block, int64_t index, const torch::Tensor& x,
                               KVCache& cache, const KVCache::Window& window,
                               const torch::Tensor& mask) const;

  T3Config config_;
  torch::ScalarType dtype_;
  torch::Tensor wpe_;
  std::vector<Block> blocks_;
  LayerNorm ln_f_;
};

// HF NewGELUActivation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
torch::Tensor gelu_new(const torch::Tensor& x);

}  // namespace chatterbox::models::t3
