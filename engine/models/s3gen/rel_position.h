#pragma once
// ESPnet-style relative positional encoding and the multi-head self-attention that uses it
// (Transformer-XL "u"/"v" biases), as in S3Gen's UpsampleConformerEncoder.

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// Sinusoidal encodings of the relative distances +(T-1) down to -(T-1): (1, 2T-1, d_model),
// row r encoding distance (T-1) - r. Built on the CPU in float32 as the reference does, then
// moved to `options`.
torch::Tensor relative_position_encoding(int64_t length, int64_t d_model,
                                         const torch::TensorOptions& options);

// Transformer-XL shift: (B, H, T, 2T-1) scores against the relative-position rows become
// (B, H, T, T) with out[i][j] = in[i][T-1-i+j], i.e. the score for distance i - j. Done with
// the same pad/view trick as the reference so the values are copied, never recomputed.
torch::Tensor rel_shift(const torch::Tensor& scores);

class RelPositionAttentionImpl : public torch::nn::Module {
 public:
  RelPositionAttentionImpl(int64_t d_model, int64_t heads);

  // x (B, T, d_model); key_mask (B, 1, T) bool, true where a key is real; pos (1, 2T-1, d_model).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_mask,
                        const torch::Tensor& pos);

 private:
  torch::Tensor split_heads(const torch::Tensor& x) const;  // (B,T,C) -> (B,T,H,dk)

  int64_t heads_;
  int64_t head_dim_;
  torch::nn::Linear linear_q_{nullptr}, linear_k_{nullptr}, linear_v_{nullptr};
  torch::nn::Linear linear_out_{nullptr}, linear_pos_{nullptr};
  torch::Tensor pos_bias_u_, pos_bias_v_;
};
TORCH_MODULE(RelPositionAttention);

}  // namespace chatterbox::models::s3gen
