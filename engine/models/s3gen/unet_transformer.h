#pragma once
// The estimator's transformer block (diffusers BasicTransformerBlock with layer_norm, self-
// attention only, GELU feed-forward): x += Attn(LN1(x)); x += FF(LN3(x)). Runs on (B, T, C).

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// Multi-head self-attention as diffusers' Attention with AttnProcessor2_0: bias-free q/k/v
// projections to heads*head_dim, scaled dot-product attention with an additive key bias,
// output projection with bias (key to_out.0).
class UnetAttentionImpl : public torch::nn::Module {
 public:
  UnetAttentionImpl(int64_t dim, int64_t heads, int64_t head_dim);
  // x (B,T,dim); key_bias (B,1,T) float: 0 on real frames, -1e10 on padding.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_bias);

 private:
  int64_t heads_, head_dim_;
  torch::nn::Linear to_q_{nullptr}, to_k_{nullptr}, to_v_{nullptr}, to_out_{nullptr};
};
TORCH_MODULE(UnetAttention);

class UnetTransformerBlockImpl : public torch::nn::Module {
 public:
  UnetTransformerBlockImpl(int64_t dim, int64_t heads, int64_t head_dim);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_bias);

 private:
  torch::nn::LayerNorm norm1_{nullptr}, norm3_{nullptr};
  UnetAttention attn1_{nullptr};
  torch::nn::Linear ff_in_{nullptr}, ff_out_{nullptr};
};
TORCH_MODULE(UnetTransformerBlock);

// softmax(q k^T / sqrt(d) + bias) v for q, k, v (B,H,T,d) and bias broadcastable to (B,H,T,T).
// Uses ATen's fused kernel where the libtorch has one (as the reference does), else the math.
torch::Tensor scaled_dot_product_attention(const torch::Tensor& q, const torch::Tensor& k,
                                           const torch::Tensor& v, const torch::Tensor& bias);

}  // namespace chatterbox::models::s3gen
