// What T3Decoder drives (spec t3-and-pipelines.md 6.9 for Llama, 6.10 for GPT-2), and the
// one-request generate() on a decoder of one slot.

#include <cmath>

#include "engine/common/error.h"
#include "engine/models/t3/t3_decoder.h"
#include "engine/models/t3/t3_model.h"

namespace chatterbox::models::t3 {
namespace {

torch::Tensor token_tensor(int64_t token, int64_t rows, const torch::Device& device) {
  return torch::full({rows, 1}, token, torch::TensorOptions().dtype(torch::kLong).device(device));
}

}  // namespace

T3GenerationOptions T3GenerationOptions::defaults_for(const T3Config& config) {
  T3GenerationOptions o;
  if (!config.is_llama()) {
    o.sampling.top_p = 0.95;
    o.sampling.min_p = 0.0;
    o.sampling.top_k = 1000;
    o.cfg_weight = 0.0;
  }
  return o;
}

void T3GenerationOptions::validate(const T3Config& config) const {
  sampling.validate();
  if (!std::isfinite(cfg_weight) || cfg_weight < 0)
    fail(ErrorCode::kInvalidArgument,
         "cfg_weight must be a finite number >= 0, got " + std::to_string(cfg_weight));
  const int64_t limit = config.is_llama() ? config.speech_positions - 1 : config.max_positions;
  if (max_new_tokens < 1 || max_new_tokens > limit)
    fail(ErrorCode::kInvalidArgument, "max_new_tokens must be in [1, " + std::to_string(limit) +
                                          "], got " + std::to_string(max_new_tokens));
}

int64_t T3Model::prefill_length(const T3Conditionals& cond, int64_t text_tokens) const {
  const int64_t prompt =
      cond.cond_prompt_speech_tokens.defined() ? cond.cond_prompt_speech_tokens.numel() : 0;
  if (!config_.is_llama()) return 1 + prompt + text_tokens + 1;
  const int64_t prompt_rows =
      prompt == 0 ? 0 : (config_.perceiver ? config_.perceiver_queries : prompt);
  return 1 + prompt_rows + (config_.emotion_input ? 1 : 0) + text_tokens + 2;
}

torch::Tensor T3Model::prefill_embeddings(const T3Conditionals& cond, const torch::Tensor& text,
                                          double cfg_weight) const {
  check_text(text);
  if (text.size(0) != 1)
    fail(ErrorCode::kInvalidArgument, "a T3 request takes the text of one request, (1, N)");
  auto cond_emb = prepare_conditioning(cond);
  if (cond_emb.size(0) != 1)
    fail(ErrorCode::kInvalidArgument, "a T3 request takes the conditionals of one request");
  const auto dev = device();
  if (!config_.is_llama())
    return torch::cat({cond_emb, embed_text(text, false),
                       embed_speech(token_tensor(config_.start_speech_token, 1, dev), 0)},
                      1);
  // Row 0 conditional, row 1 unconditional (text token embeddings zeroed when cfg > 0). Both
  // end with two identical start rows, as upstream's prefill does.
  auto bos = embed_speech(token_tensor(config_.start_speech_token, 2, dev), 0);
  return torch::cat(
      {cond_emb.expand({2, -1, -1}), embed_text(text.expand({2, -1}), cfg_weight > 0), bos, bos},
      1);
}

torch::Tensor T3Model::step_embeddings(const torch::Tensor& tokens,
                                       const torch::Tensor& speech_positions) const {
  auto embeds = torch::embedding(speech_emb_, tokens.to(device(), torch::kLong)).unsqueeze(1);
  if (!config_.learned_positions) return embeds;
  return embeds + speech_pos_emb_.index_select(0, speech_positions.to(device())).unsqueeze(1);
}

T3Generation T3Model::generate(const T3Conditionals& cond, const torch::Tensor& text_tokens,
                               const T3GenerationOptions& options,
                               sampling::UniformSource& uniforms,
                               const SpeechTokenCallback& on_token) const {
  torch::NoGradGuard no_grad;
  T3DecodeRequest request{cond, text_tokens, options, &uniforms};
  check_text(text_tokens);
  T3Decoder decoder(*this, 1,
                    prefill_length(cond, text_tokens.size(1)) + options.max_new_tokens + 1);
  std::vector<int64_t> tokens;
  T3Generation out;
  auto results = decoder.prefill({request});
  while (true) {
    const T3SlotToken& r = results.at(0);
    if (r.token >= 0) {
      tokens.push_back(r.token);
      if (on_token && !on_token(r.token)) break;
    }
    if (r.finished) {
      out.reached_stop = r.reached_stop;
      break;
    }
    results = decoder.step();
  }
  out.tokens = torch::tensor(tokens, torch::kLong).view({1, -1});
  return out;
}

}  // namespace chatterbox::models::t3
