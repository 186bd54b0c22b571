#include "engine/models/t3/perceiver.h"

#include "engine/models/t3/attention.h"

namespace chatterbox::models::t3 {

Perceiver::Perceiver(const WeightReader& w, int64_t channels, int64_t queries, int64_t heads)
    : heads_(heads) {
  queries_ = w.get("pre_attention_query", {1, queries, channels});
  auto attn = w.under("attn.");
  norm_ = LayerNorm::load(attn.under("norm."), channels, 1e-5);
  to_q_ = Linear::load(attn.under("to_q."), channels, channels, true);
  to_k_ = Linear::load(attn.under("to_k."), channels, channels, true);
  to_v_ = Linear::load(attn.under("to_v."), channels, channels, true);
  proj_out_ = Linear::load(attn.under("proj_out."), channels, channels, true);
}

torch::Tensor Perceiver::attention_block(const torch::Tensor& x1, const torch::Tensor& x2) const {
  auto n1 = norm_(x1);
  auto n2 = norm_(x2);
  auto split = [&](const torch::Tensor& y) {
    return y.view({y.size(0), y.size(1), heads_, y.size(2) / heads_}).permute({0, 2, 1, 3});
  };
  auto out = attention(split(to_q_(n1)), split(to_k_(n2)), split(to_v_(n2)));
  out = out.permute({0, 2, 1, 3}).reshape({x1.size(0), x1.size(1), x1.size(2)});
  return x1 + proj_out_(out);
}

torch::Tensor Perceiver::operator()(const torch::Tensor& prompt) const {
  auto queries = queries_.expand({prompt.size(0), -1, -1});
  auto resampled = attention_block(queries, prompt);
  return attention_block(resampled, resampled);
}

}  // namespace chatterbox::models::t3
