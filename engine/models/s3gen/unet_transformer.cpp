#include "engine/models/s3gen/unet_transformer.h"

#include <torch/version.h>

#include <cmath>

namespace chatterbox::models::s3gen {

namespace {
constexpr int64_t kFeedForwardMult = 4;

torch::nn::Linear linear(int64_t in, int64_t out, bool bias) {
  return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}
}  // namespace

torch::Tensor scaled_dot_product_attention(const torch::Tensor& q, const torch::Tensor& k,
                                           const torch::Tensor& v, const torch::Tensor& bias) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, bias, 0.0, false);
#else
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(q.size(-1))));
  return torch::matmul(torch::softmax(scores + bias, -1), v);
#endif
}

UnetAttentionImpl::UnetAttentionImpl(int64_t dim, int64_t heads, int64_t head_dim)
    : heads_(heads), head_dim_(head_dim) {
  const int64_t inner = heads * head_dim;
  to_q_ = register_module("to_q", linear(dim, inner, false));
  to_k_ = register_module("to_k", linear(dim, inner, false));
  to_v_ = register_module("to_v", linear(dim, inner, false));
  auto to_out = register_module("to_out", std::make_shared<torch::nn::Module>());
  to_out_ = to_out->register_module("0", linear(inner, dim, true));
}

torch::Tensor UnetAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& key_bias) {
  const int64_t batch = x.size(0);
  auto heads = [&](const torch::Tensor& t) {
    return t.view({batch, -1, heads_, head_dim_}).transpose(1, 2);
  };
  // One bias row per head, laid out as diffusers prepares it (this steers SDPA's backend).
  auto bias = key_bias.view({batch, 1, 1, key_bias.size(-1)})
                  .expand({batch, heads_, 1, key_bias.size(-1)})
                  .contiguous();
  auto out = scaled_dot_product_attention(heads(to_q_(x)), heads(to_k_(x)), heads(to_v_(x)), bias);
  return to_out_(out.transpose(1, 2).reshape({batch, -1, heads_ * head_dim_}));
}

UnetTransformerBlockImpl::UnetTransformerBlockImpl(int64_t dim, int64_t heads, int64_t head_dim) {
  auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})); };
  norm1_ = register_module("norm1", norm());
  attn1_ = register_module("attn1", UnetAttention(dim, heads, head_dim));
  norm3_ = register_module("norm3", norm());
  auto ff = register_module("ff", std::make_shared<torch::nn::Module>());
  auto net = ff->register_module("net", std::make_shared<torch::nn::Module>());
  auto gelu = net->register_module("0", std::make_shared<torch::nn::Module>());
  ff_in_ = gelu->register_module("proj", linear(dim, dim * kFeedForwardMult, true));
  ff_out_ = net->register_module("2", linear(dim * kFeedForwardMult, dim, true));
}

torch::Tensor UnetTransformerBlockImpl::forward(const torch::Tensor& x,
                                                const torch::Tensor& key_bias) {
  auto h = attn1_(norm1_(x), key_bias) + x;
  return ff_out_(torch::gelu(ff_in_(norm3_(h)))) + h;
}

}  // namespace chatterbox::models::s3gen
