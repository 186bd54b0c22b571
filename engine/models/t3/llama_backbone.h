#pragma once
// HF LlamaModel (eval) over input embeddings: pre-norm RMSNorm blocks, llama3-scaled RoPE,
// SiLU-gated MLP, no biases, final RMSNorm. The dummy `embed_tokens` table is not kept.

#include <vector>

#include "engine/models/t3/backbone.h"
#include "engine/models/t3/weights.h"

namespace chatterbox::models::t3 {

class LlamaBackbone final : public Backbone {
 public:
  LlamaBackbone(const T3Config& config, const WeightReader& tfmr);

  using Backbone::forward;
  torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& positions, KVCache& cache,
                        const KVCache::Window& window) const override;
  KVCache make_cache(int64_t rows, int64_t capacity) const override;
  torch::ScalarType dtype() const override { return dtype_; }

 private:
  // q|k|v and gate|up are each one matrix (rows stacked): fewer, larger GEMMs a step.
  struct Layer {
    torch::Tensor input_norm;
    Linear qkv, o;
    torch::Tensor post_attention_norm;
    Linear gate_up, down;
  };

  // Statistics in float32; the result in `out` dtype. A weight in x's reduced dtype (libtorch
  // 2.4+) scales in that dtype, one fused kernel: 1 ulp of bf16 from scaling in float32.
  torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight,
                         torch::ScalarType out) const;
  torch::Tensor self_attention(const Layer& layer, int64_t index, const torch::Tensor& x,
                               const struct RotaryTables& rope, KVCache& cache,
                               const KVCache::Window& window, const torch::Tensor& mask) const;

  T3Config config_;
  torch::ScalarType dtype_;
  std::vector<Layer> layers_;
  torch::Tensor final_norm_;
  torch::Tensor inverse_frequencies_;
};

}  // namespace chatterbox::models::t3
