#pragma once
// The transformer stack inside T3 (Llama or GPT-2), driven only by input embeddings.

#include <torch/torch.h>

#include <memory>

#include "engine/io/state_dict.h"
#include "engine/models/t3/kv_cache.h"
#include "engine/models/t3/t3_config.h"

namespace chatterbox::models::t3 {

class Backbone {
 public:
  virtual ~Backbone() = default;

  // Runs `embeds` (B, T, D) for the cache rows of `window`, each after the positions it already
  // holds, writes their keys and values, and returns the final normed hidden states (B, T, D)
  // in float32. Inside, it computes in its dtype (embeds are cast to it; norms run in float32).
  // `positions` (B, T) int64 are the per-row position indices (RoPE for Llama, wpe rows for
  // GPT-2). Steps beyond a row's length in the window are padding: attended by nothing.
  virtual torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& positions,
                                KVCache& cache, const KVCache::Window& window) const = 0;
  // The same over the rows and positions of `span`.
  torch::Tensor forward(const torch::Tensor& embeds, const torch::Tensor& positions, KVCache& cache,
                        const CacheSpan& span) const {
    return forward(embeds, positions, cache, cache.window(span, embeds.size(1)));
  }

  virtual KVCache make_cache(int64_t rows, int64_t capacity) const = 0;
  // The dtype of its weights, activations and KV cache.
  virtual torch::ScalarType dtype() const = 0;
};

// Positions past .. past+steps-1 for every row: what a batch without padding uses.
torch::Tensor consecutive_positions(int64_t batch, int64_t past, int64_t steps,
                                    const torch::Device& device);

// dtype: float32, bfloat16 or float16. int8_rows: the linear layers also keep int8 weights for
// the CPU's decode steps (int8_rows.h; float32 on the CPU only).
std::unique_ptr<Backbone> load_backbone(const T3Config& config, const io::StateDict& dict,
                                        torch::Device device,
                                        torch::ScalarType dtype = torch::kFloat32,
                                        bool int8_rows = false);

}  // namespace chatterbox::models::t3
