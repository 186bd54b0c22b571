#include "engine/models/t3/cond_encoder.h"

namespace chatterbox::models::t3 {

CondEncoder::CondEncoder(const T3Config& config, const WeightReader& w) : config_(config) {
  speaker_proj_ =
      Linear::load(w.under("spkr_enc."), config.speaker_embed_size, config.hidden, true);
  if (config.emotion_input)
    emotion_proj_ = Linear::load(w.under("emotion_adv_fc."), 1, config.hidden, false);
  if (config.perceiver)
    perceiver_.emplace(w.under("perceiver."), config.hidden, config.perceiver_queries,
                       config.perceiver_heads);
}

torch::Tensor CondEncoder::operator()(const torch::Tensor& speaker,
                                      const torch::Tensor& prompt_embeds,
                                      const torch::Tensor& emotion) const {
  std::vector<torch::Tensor> parts;
  parts.push_back(speaker_proj_(speaker.reshape({-1, config_.speaker_embed_size})).unsqueeze(1));
  if (prompt_embeds.size(1) > 0)
    parts.push_back(perceiver_ ? (*perceiver_)(prompt_embeds) : prompt_embeds);
  if (config_.emotion_input) parts.push_back(emotion_proj_(emotion.reshape({-1, 1, 1})));
  return torch::cat(parts, 1);
}

}  // namespace chatterbox::models::t3
