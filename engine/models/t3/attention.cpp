#include "engine/models/t3/attention.h"

#include <ATen/Context.h>
#include <torch/version.h>

#include <cmath>
#include <limits>

namespace chatterbox::models::t3 {
namespace {

// softmax(q k^T / sqrt(d) + mask) v with plain ops; a bool mask selects, an additive one adds.
torch::Tensor plain_attention(const torch::Tensor& q, const torch::Tensor& k,
                              const torch::Tensor& v, const torch::Tensor& mask) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1));
  if (mask.defined() && mask.scalar_type() == torch::kBool)
    scores =
        (scores * scale).masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
  else if (mask.defined())
    scores = torch::add(mask, scores, scale);  // + 0 where allowed: the same numbers as masked_fill
  else
    scores = scores * scale;
  return torch::matmul(torch::softmax(scores, -1), v);
}

}  // namespace

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& mask) {
#if TORCH_VERSION_MAJOR >= 2
#if TORCH_VERSION_MAJOR > 2 || TORCH_VERSION_MINOR >= 3
  // cuDNN's attention, which libtorch picks first for bfloat16 on Hopper, plans anew for each
  // shape, and a decode step's key length grows every step (measured: 10x slower steps).
  static const bool cudnn_attention_off = [] {
    at::globalContext().setSDPUseCuDNN(false);
    return true;
  }();
  (void)cudnn_attention_off;
#endif
  // A decode step's one query a row in bf16/fp16 on CUDA: the fused kernels tile queries by 64
  // and run over the keys in one pass a head, 63/64 of their work wasted; two batched GEMMs and a
  // softmax read the keys at the bandwidth (H200, original, 64 requests: 2.2 of a 5.6 ms step).
  if (q.is_cuda() && q.size(-2) == 1 && q.scalar_type() != torch::kFloat32)
    return plain_attention(q, k, v, mask);
  return at::scaled_dot_product_attention(
      q, k, v, mask.defined() ? c10::optional<at::Tensor>(mask) : c10::optional<at::Tensor>());
#else
  return plain_attention(q, k, v, mask);
#endif
}

torch::Tensor additive_mask(const torch::Tensor& allowed, torch::ScalarType dtype) {
  if (!allowed.defined()) return {};
  return torch::zeros(allowed.sizes(), allowed.options().dtype(dtype))
      .masked_fill(allowed.logical_not(), -std::numeric_limits<float>::infinity());
}

torch::Tensor decoder_attention_mask(const KVCache::Window& window, const torch::Device& device) {
  const int64_t steps = window.steps, keys = window.key_length;
  if (window.uniform && steps == 1 && keys == window.end_position) return {};
  auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);
  torch::Tensor query_pos, ends;  // (B or 1, T, 1), (B or 1, 1, 1)
  if (window.uniform) {
    query_pos = torch::arange(window.start, window.start + steps, longs).view({1, steps, 1});
    ends = torch::full({1, 1, 1}, window.start + steps, longs);
  } else {
    query_pos = window.position_index.unsqueeze(2);
    ends = window.key_end;
  }
  auto key_pos = torch::arange(keys, longs).view({1, 1, keys});
  auto allowed = key_pos.le(query_pos).logical_and(key_pos.lt(ends));
  allowed = allowed.logical_or(key_pos.eq(query_pos));
  return allowed.unsqueeze(1);
}

}  // namespace chatterbox::models::t3
