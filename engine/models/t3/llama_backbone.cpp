#include "engine/models/t3/llama_backbone.h"

#include <torch/version.h>

#include "engine/models/t3/attention.h"
#include "engine/models/t3/rope.h"

namespace chatterbox::models::t3 {
namespace {

// One linear computing the given ones' outputs side by side.
Linear stacked(const std::vector<Linear>& parts) {
  std::vector<torch::Tensor> weights;
  std::vector<const Int8Rows*> int8_parts;
  for (const auto& p : parts) {
    weights.push_back(p.weight);
    int8_parts.push_back(&p.int8);
  }
  Linear joined{torch::cat(weights, 0), {}, {}};
  if (parts.front().int8.defined()) joined.int8 = Int8Rows::stacked(int8_parts);
  return joined;
}

// libtorch 2.4 and later have at::rms_norm, one kernel on CUDA when input and weight share a
// dtype (its statistics still in float32).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define CHATTERBOX_FUSED_RMS_NORM 1
#endif

}  // namespace

LlamaBackbone::LlamaBackbone(const T3Config& config, const WeightReader& tfmr)
    : config_(config), dtype_(tfmr.dtype()) {
  const int64_t d = config.hidden;
  const int64_t attn = config.heads * config.head_dim;
  // The blocks' norms in reduced precision when one fused kernel can take them there.
  auto block_norm = [&](const WeightReader& w, const std::string& name) {
    auto weight = w.full_precision().get(name, {d});
#ifdef CHATTERBOX_FUSED_RMS_NORM
    if (dtype_ != torch::kFloat32) weight = weight.to(dtype_);
#endif
    return weight;
  };
  for (int64_t i = 0; i < config.layers; ++i) {
    auto w = tfmr.under("layers." + std::to_string(i) + ".");
    Layer layer;
    layer.input_norm = block_norm(w, "input_layernorm.weight");
    layer.qkv = stacked({Linear::load(w.under("self_attn.q_proj."), d, attn, false),
                         Linear::load(w.under("self_attn.k_proj."), d, attn, false),
                         Linear::load(w.under("self_attn.v_proj."), d, attn, false)});
    layer.o = Linear::load(w.under("self_attn.o_proj."), attn, d, false);
    layer.post_attention_norm = block_norm(w, "post_attention_layernorm.weight");
    layer.gate_up = stacked({Linear::load(w.under("mlp.gate_proj."), d, config.intermediate, false),
                             Linear::load(w.under("mlp.up_proj."), d, config.intermediate, false)});
    layer.down = Linear::load(w.under("mlp.down_proj."), config.intermediate, d, false);
    layers_.push_back(std::move(layer));
  }
  final_norm_ = tfmr.full_precision().get("norm.weight", {d});
  inverse_frequencies_ = llama3_inverse_frequencies(config).to(tfmr.device());
}

KVCache LlamaBackbone::make_cache(int64_t rows, int64_t capacity) const {
  return KVCache(config_.layers, rows, config_.heads, config_.head_dim, capacity,
                 final_norm_.options().dtype(dtype_));
}

torch::Tensor LlamaBackbone::rms_norm(const torch::Tensor& x, const torch::Tensor& weight,
                                      torch::ScalarType out) const {
#ifdef CHATTERBOX_FUSED_RMS_NORM
  if (x.scalar_type() != torch::kFloat32 && weight.scalar_type() == x.scalar_type() &&
      out == x.scalar_type())
    return at::rms_norm(x, {x.size(-1)}, weight, config_.norm_eps);
#endif
  const auto x32 = x.to(torch::kFloat32);
  auto variance = x32.pow(2).mean(-1, /*keepdim=*/true);
  auto normed = weight * (x32 * torch::rsqrt(variance + config_.norm_eps));
  return out == torch::kFloat32 ? normed : normed.to(out);
}

torch::Tensor LlamaBackbone::self_attention(const Layer& layer, int64_t index,
                                            const torch::Tensor& x, const RotaryTables& rope,
                                            KVCache& cache, const KVCache::Window& window,
                                            const torch::Tensor& mask) const {
  const int64_t b = x.size(0), t = x.size(1), heads = config_.heads;
  // (B, T, 3 H D) -> (3, B, H, T, D): q and k rotate together.
  auto qkv = layer.qkv(x).view({b, t, 3, heads, config_.head_dim}).permute({2, 0, 3, 1, 4});
  auto qk = apply_rotary(qkv.narrow(0, 0, 2), rope);
  auto [keys, values] = cache.write(index, qk[1], qkv[2], window);
  auto out = attention(qk[0], keys, values, mask);
  return layer.o(out.transpose(1, 2).reshape({b, t, config_.heads * config_.head_dim}));
}

torch::Tensor LlamaBackbone::forward(const torch::Tensor& embeds, const torch::Tensor& positions,
                                     KVCache& cache, const KVCache::Window& window) const {
  const auto mask = additive_mask(decoder_attention_mask(window, embeds.device()), dtype_);
  auto rope = rotary_tables(inverse_frequencies_, positions);
  if (dtype_ != torch::kFloat32) rope = {rope.cos.to(dtype_), rope.signed_sin.to(dtype_)};
  auto h = embeds.to(dtype_);
  for (size_t i = 0; i < layers_.size(); ++i) {
    const auto& layer = layers_[i];
    h = h + self_attention(layer, static_cast<int64_t>(i), rms_norm(h, layer.input_norm, dtype_),
                           rope, cache, window, mask);
    auto gate_up = layer.gate_up(rms_norm(h, layer.post_attention_norm, dtype_)).chunk(2, -1);
    h = h + layer.down(torch::silu(gate_up[0]) * gate_up[1]);
  }
  return rms_norm(h, final_norm_, torch::kFloat32);
}

}  // namespace chatterbox::models::t3
