#include "engine/models/t3/attention.h"

#include <torch/version.h>

#include <cmath>
#include <limits>

namespace chatterbox::models::t3 {

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& allowed) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(
      q, k, v,
      allowed.defined() ? c10::optional<at::Tensor>(allowed) : c10::optional<at::Tensor>());
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  if (allowed.defined())
    scores = scores.masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
  return torch::matmul(torch::softmax(scores, -1), v);
#endif
}

torch::Tensor decoder_attention_mask(int64_t batch, int64_t past, int64_t steps,
                                     const torch::Tensor& key_mask, const torch::Device& device) {
  if (steps == 1 && !key_mask.defined()) return {};
  const int64_t total = past + steps;
  auto options = torch::TensorOptions().dtype(torch::kLong).device(device);
  auto query_pos = torch::arange(past, total, options).unsqueeze(1);  // (Tq, 1)
  auto key_pos = torch::arange(0, total, options).unsqueeze(0);       // (1, Tk)
  auto allowed = key_pos.le(query_pos).view({1, 1, steps, total});
  if (key_mask.defined()) {
    allowed = allowed.logical_and(key_mask.to(device, torch::kBool).view({batch, 1, 1, total}));
    // A padded query still sees itself, so its (ignored) output stays finite and no NaN can
    // reach the real rows through later layers' values.
    allowed = allowed.logical_or(key_pos.eq(query_pos).view({1, 1, steps, total}));
  }
  return allowed.expand({batch, 1, steps, total});
}

}  // namespace chatterbox::models::t3
