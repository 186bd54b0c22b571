#include "engine/models/s3gen/conformer.h"

namespace chatterbox::models::s3gen {

namespace {
constexpr double kConformerNormEps = 1e-12;
}

ConformerFeedForwardImpl::ConformerFeedForwardImpl(int64_t d_model, int64_t hidden) {
  w_1_ = register_module("w_1", torch::nn::Linear(d_model, hidden));
  w_2_ = register_module("w_2", torch::nn::Linear(hidden, d_model));
}

torch::Tensor ConformerFeedForwardImpl::forward(const torch::Tensor& x) {
  return w_2_(torch::silu(w_1_(x)));
}

ConformerLayerImpl::ConformerLayerImpl(int64_t d_model, int64_t heads, int64_t hidden) {
  auto norm = [&] {
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({d_model}).eps(kConformerNormEps));
  };
  self_attn_ = register_module("self_attn", RelPositionAttention(d_model, heads));
  feed_forward_ = register_module("feed_forward", ConformerFeedForward(d_model, hidden));
  norm_ff_ = register_module("norm_ff", norm());
  norm_mha_ = register_module("norm_mha", norm());
}

torch::Tensor ConformerLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& key_mask,
                                          const torch::Tensor& pos) {
  auto h = x + self_attn_(norm_mha_(x), key_mask, pos);
  return h + feed_forward_(norm_ff_(h));
}

}  // namespace chatterbox::models::s3gen
