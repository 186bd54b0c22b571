// The two T3 decoding loops (spec t3-and-pipelines.md 6.9 for Llama, 6.10 for GPT-2).

#include <cmath>
#include <limits>
#include <vector>

#include "engine/common/error.h"
#include "engine/models/t3/t3_model.h"

namespace chatterbox::models::t3 {
namespace {

torch::Tensor ids_tensor(const std::vector<int64_t>& ids, const torch::Device& device) {
  return torch::tensor(ids, torch::kLong).view({1, -1}).to(device);
}

torch::Tensor token_tensor(int64_t token, int64_t rows, const torch::Device& device) {
  return torch::full({rows, 1}, token, torch::TensorOptions().dtype(torch::kLong).device(device));
}

T3Generation finish(const std::vector<int64_t>& tokens, bool reached_stop) {
  T3Generation out;
  out.tokens = torch::tensor(tokens, torch::kLong).view({1, -1});
  out.reached_stop = reached_stop;
  return out;
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

T3Generation T3Model::generate(const T3Conditionals& cond, const torch::Tensor& text_tokens,
                               const T3GenerationOptions& options, sampling::UniformSource& uniforms,
                               const SpeechTokenCallback& on_token) const {
  torch::NoGradGuard no_grad;
  options.validate(config_);
  check_text(text_tokens);
  if (text_tokens.size(0) != 1)
    fail(ErrorCode::kInvalidArgument, "generate() takes the text of one request, (1, N)");
  auto cond_emb = prepare_conditioning(cond);
  if (cond_emb.size(0) != 1)
    fail(ErrorCode::kInvalidArgument, "generate() takes the conditionals of one request");
  return config_.is_llama() ? generate_llama(cond_emb, text_tokens, options, uniforms, on_token)
                            : generate_gpt2(cond_emb, text_tokens, options, uniforms, on_token);
}

T3Generation T3Model::generate_llama(const torch::Tensor& cond_emb, const torch::Tensor& text,
                                     const T3GenerationOptions& options,
                                     sampling::UniformSource& uniforms,
                                     const SpeechTokenCallback& on_token) const {
  // Row 0 conditional, row 1 unconditional (text token embeddings zeroed when cfg > 0). Both
  // end with two identical BOS rows, as upstream's prefill does.
  const auto dev = device();
  auto bos = embed_speech(token_tensor(config_.start_speech_token, 2, dev), 0);
  auto embeds = torch::cat({cond_emb.expand({2, -1, -1}),
                            embed_text(text.expand({2, -1}), options.cfg_weight > 0), bos, bos},
                           1);
  const int64_t prefill = embeds.size(1);
  auto cache = backbone_->make_cache(2, prefill + options.max_new_tokens);
  auto hidden = backbone_->forward(embeds, consecutive_positions(2, 0, prefill, dev), cache);

  std::vector<int64_t> penalised{config_.start_speech_token};
  std::vector<int64_t> tokens;
  for (int64_t step = 0; step < options.max_new_tokens; ++step) {
    auto logits = speech_logits(hidden.select(1, hidden.size(1) - 1));  // (2, V)
    auto conditional = logits.narrow(0, 0, 1);
    auto guided = conditional + (conditional - logits.narrow(0, 1, 1)) * options.cfg_weight;
    auto processed = sampling::process_logits(sampling::ProcessorChain::kLlama, options.sampling,
                                             guided, ids_tensor(penalised, dev));
    const int64_t token = sampling::sample_inverse_cdf(processed.softmax(-1)[0], uniforms.next());
    if (token == config_.stop_speech_token) return finish(tokens, true);
    penalised.push_back(token);
    tokens.push_back(token);
    if (on_token && !on_token(token)) break;
    if (step + 1 == options.max_new_tokens) break;
    auto next = embed_speech(token_tensor(token, 2, dev), step + 1);
    hidden = backbone_->forward(next, consecutive_positions(2, prefill + step, 1, dev), cache);
  }
  return finish(tokens, false);
}

T3Generation T3Model::generate_gpt2(const torch::Tensor& cond_emb, const torch::Tensor& text,
                                    const T3GenerationOptions& options,
                                    sampling::UniformSource& uniforms,
                                    const SpeechTokenCallback& on_token) const {
  // Upstream samples a first token from the prefill (penalising the start token), then up to
  // max_new_tokens more, each penalising the tokens generated so far.
  const auto dev = device();
  auto start = token_tensor(config_.start_speech_token, 1, dev);
  auto embeds = torch::cat({cond_emb, embed_text(text, false), embed_speech(start, 0)}, 1);
  const int64_t prefill = embeds.size(1);
  auto cache = backbone_->make_cache(1, prefill + options.max_new_tokens + 1);
  auto hidden = backbone_->forward(embeds, consecutive_positions(1, 0, prefill, dev), cache);

  std::vector<int64_t> tokens;
  std::vector<int64_t> penalised{config_.start_speech_token};
  for (int64_t step = 0; step <= options.max_new_tokens; ++step) {
    auto logits = speech_logits(hidden.select(1, hidden.size(1) - 1));  // (1, V)
    auto processed = sampling::process_logits(sampling::ProcessorChain::kGpt2, options.sampling,
                                             logits, ids_tensor(penalised, dev));
    if (step > 0 && processed.isinf().logical_and(processed < 0).all().item<bool>()) break;
    const int64_t token = sampling::sample_inverse_cdf(processed.softmax(-1)[0], uniforms.next());
    // Upstream keeps decoding when the very first token is the stop token; stopping is the
    // only sensible reading, and the pipelines drop stop tokens anyway.
    if (token == config_.stop_speech_token) return finish(tokens, true);
    if (step == 0) penalised.clear();
    penalised.push_back(token);
    tokens.push_back(token);
    if (on_token && !on_token(token)) break;
    if (step == options.max_new_tokens) break;
    auto next = embed_speech(token_tensor(token, 1, dev), 0);
    hidden = backbone_->forward(next, consecutive_positions(1, prefill + step, 1, dev), cache);
  }
  return finish(tokens, false);
}

}  // namespace chatterbox::models::t3
