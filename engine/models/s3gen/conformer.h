#pragma once
// One pre-norm conformer layer of S3Gen's encoder: relative-position self-attention and a SiLU
// feed-forward, each with a residual (no macaron branch, no convolution module).

#include <torch/torch.h>

#include "engine/models/s3gen/rel_position.h"

namespace chatterbox::models::s3gen {

class ConformerFeedForwardImpl : public torch::nn::Module {
 public:
  ConformerFeedForwardImpl(int64_t d_model, int64_t hidden);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear w_1_{nullptr}, w_2_{nullptr};
};
TORCH_MODULE(ConformerFeedForward);

class ConformerLayerImpl : public torch::nn::Module {
 public:
  ConformerLayerImpl(int64_t d_model, int64_t heads, int64_t hidden);

  // x (B,T,C); key_mask (B,1,T) bool; pos (1,2T-1,C).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_mask,
                        const torch::Tensor& pos);

 private:
  torch::nn::LayerNorm norm_mha_{nullptr}, norm_ff_{nullptr};
  RelPositionAttention self_attn_{nullptr};
  ConformerFeedForward feed_forward_{nullptr};
};
TORCH_MODULE(ConformerLayer);

}  // namespace chatterbox::models::s3gen
