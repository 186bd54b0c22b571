#include "engine/models/s3gen/rel_position.h"

#include <cmath>
#include <limits>

namespace chatterbox::models::s3gen {

torch::Tensor relative_position_encoding(int64_t length, int64_t d_model,
                                         const torch::TensorOptions& options) {
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  auto position = torch::arange(0, length, f32).unsqueeze(1);
  auto div_term =
      torch::exp(torch::arange(0, d_model, 2, f32) * -(std::log(10000.0) / double(d_model)));
  auto positive = torch::zeros({length, d_model}, f32);
  auto negative = torch::zeros({length, d_model}, f32);
  using torch::indexing::None;
  using torch::indexing::Slice;
  positive.index_put_({Slice(), Slice(0, None, 2)}, torch::sin(position * div_term));
  positive.index_put_({Slice(), Slice(1, None, 2)}, torch::cos(position * div_term));
  negative.index_put_({Slice(), Slice(0, None, 2)}, torch::sin(-1 * position * div_term));
  negative.index_put_({Slice(), Slice(1, None, 2)}, torch::cos(-1 * position * div_term));
  auto table = torch::cat({torch::flip(positive, {0}), negative.slice(0, 1)}, 0);
  return table.unsqueeze(0).to(options);
}

torch::Tensor rel_shift(const torch::Tensor& scores) {
  const int64_t b = scores.size(0), h = scores.size(1), t = scores.size(2), p = scores.size(3);
  auto padded = torch::cat({torch::zeros({b, h, t, 1}, scores.options()), scores}, -1);
  padded = padded.view({b, h, p + 1, t});
  return padded.slice(2, 1).reshape({b, h, t, p}).slice(3, 0, p / 2 + 1);
}

RelPositionAttentionImpl::RelPositionAttentionImpl(int64_t d_model, int64_t heads)
    : heads_(heads), head_dim_(d_model / heads) {
  linear_q_ = register_module("linear_q", torch::nn::Linear(d_model, d_model));
  linear_k_ = register_module("linear_k", torch::nn::Linear(d_model, d_model));
  linear_v_ = register_module("linear_v", torch::nn::Linear(d_model, d_model));
  linear_out_ = register_module("linear_out", torch::nn::Linear(d_model, d_model));
  linear_pos_ = register_module(
      "linear_pos", torch::nn::Linear(torch::nn::LinearOptions(d_model, d_model).bias(false)));
  pos_bias_u_ = register_parameter("pos_bias_u", torch::zeros({heads, head_dim_}));
  pos_bias_v_ = register_parameter("pos_bias_v", torch::zeros({heads, head_dim_}));
}

torch::Tensor RelPositionAttentionImpl::split_heads(const torch::Tensor& x) const {
  return x.view({x.size(0), -1, heads_, head_dim_});
}

torch::Tensor RelPositionAttentionImpl::forward(const torch::Tensor& x,
                                                const torch::Tensor& key_mask,
                                                const torch::Tensor& pos) {
  const int64_t batch = x.size(0);
  auto q = split_heads(linear_q_(x));                      // (B,T,H,dk)
  auto k = split_heads(linear_k_(x)).transpose(1, 2);      // (B,H,T,dk)
  auto v = split_heads(linear_v_(x)).transpose(1, 2);      // (B,H,T,dk)
  auto p = split_heads(linear_pos_(pos)).transpose(1, 2);  // (1,H,2T-1,dk)

  auto q_u = (q + pos_bias_u_).transpose(1, 2);
  auto q_v = (q + pos_bias_v_).transpose(1, 2);
  auto content = torch::matmul(q_u, k.transpose(-2, -1));
  auto position = rel_shift(torch::matmul(q_v, p.transpose(-2, -1)));
  auto scores = (content + position) / std::sqrt(double(head_dim_));

  auto masked = key_mask.unsqueeze(1).eq(0);  // (B,1,1,T)
  scores = scores.masked_fill(masked, -std::numeric_limits<float>::infinity());
  auto attn = torch::softmax(scores, -1).masked_fill(masked, 0.0);
  auto out =
      torch::matmul(attn, v).transpose(1, 2).contiguous().view({batch, -1, heads_ * head_dim_});
  return linear_out_(out);
}

}  // namespace chatterbox::models::s3gen
