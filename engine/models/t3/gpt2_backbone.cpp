#include "engine/models/t3/gpt2_backbone.h"

#include "engine/common/error.h"
#include "engine/models/t3/attention.h"

namespace chatterbox::models::t3 {

// HF gelu_new: the tanh approximation, one fused kernel.
torch::Tensor gelu_new(const torch::Tensor& x) {
  return torch::gelu(x, "tanh");
}

Gpt2Backbone::Gpt2Backbone(const T3Config& config, const WeightReader& tfmr)
    : config_(config), dtype_(tfmr.dtype()) {
  const int64_t d = config.hidden;
  wpe_ = tfmr.get("wpe.weight", {config.max_positions, d});
  for (int64_t i = 0; i < config.layers; ++i) {
    auto w = tfmr.under("h." + std::to_string(i) + ".");
    Block block;
    block.ln_1 = LayerNorm::load(w.under("ln_1."), d, config.norm_eps);
    block.c_attn = Conv1D::load(w.under("attn.c_attn."), d, 3 * d);
    block.attn_proj = Conv1D::load(w.under("attn.c_proj."), d, d);
    block.ln_2 = LayerNorm::load(w.under("ln_2."), d, config.norm_eps);
    block.c_fc = Conv1D::load(w.under("mlp.c_fc."), d, config.intermediate);
    block.mlp_proj = Conv1D::load(w.under("mlp.c_proj."), config.intermediate, d);
    blocks_.push_back(std::move(block));
  }
  ln_f_ = LayerNorm::load(tfmr.under("ln_f."), d, config.norm_eps);
}

KVCache Gpt2Backbone::make_cache(int64_t rows, int64_t capacity) const {
  return KVCache(config_.layers, rows, config_.heads, config_.head_dim, capacity, wpe_.options());
}

torch::Tensor Gpt2Backbone::self_attention(const Block& block, int64_t index,
                                           const torch::Tensor& x, KVCache& cache,
                                           const KVCache::Window& window,
                                           const torch::Tensor& mask) const {
  const int64_t b = x.size(0), t = x.size(1), d = config_.hidden;
  auto qkv = block.c_attn(x).split(d, -1);
  auto split = [&](const torch::Tensor& y) {
    return y.reshape({b, t, config_.heads, config_.head_dim}).transpose(1, 2);
  };
  auto [keys, values] = cache.write(index, split(qkv[1]), split(qkv[2]), window);
  auto out = attention(split(qkv[0]), keys, values, mask);
  return block.attn_proj(out.transpose(1, 2).reshape({b, t, d}));
}

torch::Tensor Gpt2Backbone::forward(const torch::Tensor& embeds, const torch::Tensor& positions,
                                    KVCache& cache, const KVCache::Window& window) const {
  if (window.end_position > config_.max_positions)
    fail(ErrorCode::kResourceExhausted, "T3 sequence longer than the " +
                                            std::to_string(config_.max_positions) +
                                            " positions of the GPT-2 backbone");
  const auto mask = additive_mask(decoder_attention_mask(window, embeds.device()), dtype_);
  auto h = embeds.to(dtype_) + torch::embedding(wpe_, positions.to(embeds.device()));
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const auto& block = blocks_[i];
    h = h + self_attention(block, static_cast<int64_t>(i), block.ln_1(h), cache, window, mask);
    h = h + block.mlp_proj(gelu_new(block.c_fc(block.ln_2(h))));
  }
  return ln_f_(h).to(torch::kFloat32);
}

}  // namespace chatterbox::models::t3
