#pragma once
// T3's conditioning prefix: the projected speaker embedding, the voice prompt's speech tokens
// (resampled to 32 rows by the perceiver on Llama variants, as is on GPT-2 variants) and, on
// Llama variants, the projected emotion/exaggeration scalar.

#include <torch/torch.h>

#include <optional>

#include "engine/models/t3/perceiver.h"
#include "engine/models/t3/t3_config.h"
#include "engine/models/t3/weights.h"

namespace chatterbox::models::t3 {

class CondEncoder {
 public:
  CondEncoder(const T3Config& config, const WeightReader& cond_enc);

  // speaker (B, speaker_embed_size); prompt_embeds (B, P, D), already embedded (P may be 0);
  // emotion (B, 1, 1), used on Llama variants. Returns (B, 1 + prompt rows + emotion row, D).
  torch::Tensor operator()(const torch::Tensor& speaker, const torch::Tensor& prompt_embeds,
                           const torch::Tensor& emotion) const;

 private:
  T3Config config_;
  Linear speaker_proj_;
  Linear emotion_proj_;
  std::optional<Perceiver> perceiver_;
};

}  // namespace chatterbox::models::t3
