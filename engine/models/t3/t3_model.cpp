#include "engine/models/t3/t3_model.h"

#include "engine/common/error.h"
#include "engine/io/param_layout.h"

namespace chatterbox::models::t3 {
namespace {

void check_ids(const torch::Tensor& ids, int64_t vocab, const char* what) {
  if (ids.numel() == 0) return;
  auto lo = ids.min().item<int64_t>(), hi = ids.max().item<int64_t>();
  if (lo < 0 || hi >= vocab)
    fail(ErrorCode::kInvalidArgument, std::string(what) + " ids must lie in [0, " +
                                          std::to_string(vocab) + "), got " + std::to_string(lo) +
                                          ".." + std::to_string(hi));
}

}  // namespace

std::shared_ptr<const T3Model> T3Model::load(const std::string& variant,
                                             const io::StateDict& checkpoint,
                                             const T3LoadOptions& options) {
  return load(T3Config::by_name(variant), checkpoint, options);
}

std::shared_ptr<const T3Model> T3Model::load(const T3Config& config,
                                             const io::StateDict& checkpoint,
                                             const T3LoadOptions& options) {
  io::check_layout(checkpoint, io::param_layout(config.layout_name));
  return std::make_shared<const T3Model>(config, checkpoint, options);
}

T3Model::T3Model(const T3Config& config, const io::StateDict& checkpoint,
                 const T3LoadOptions& options)
    : config_(config) {
  WeightReader w(checkpoint, options.device);
  const int64_t d = config.hidden;
  if (options.dtype != torch::kFloat32 && options.dtype != torch::kBFloat16 &&
      options.dtype != torch::kFloat16)
    fail(ErrorCode::kInvalidArgument, "T3 runs in float32, bfloat16 or float16");
  if (options.int8_rows && (!options.device.is_cpu() || options.dtype != torch::kFloat32))
    fail(ErrorCode::kInvalidArgument,
         "int8 weights are for T3 in float32 on the CPU, not on " + options.device.str());
  backbone_ = load_backbone(config, checkpoint, options.device, options.dtype, options.int8_rows);
  cond_encoder_ = std::make_unique<CondEncoder>(config, w.under("cond_enc."));
  text_emb_ = w.get("text_emb.weight", {config.text_vocab, d});
  speech_emb_ = w.get("speech_emb.weight", {config.speech_vocab, d});
  if (config.learned_positions) {
    text_pos_emb_ = w.get("text_pos_emb.emb.weight", {config.text_positions, d});
    speech_pos_emb_ = w.get("speech_pos_emb.emb.weight", {config.speech_positions, d});
  }
  if (options.keep_text_head)
    text_head_ = Linear::load(w.under("text_head."), d, config.text_vocab, false);
  speech_head_ = Linear::load(w.under("speech_head."), d, config.speech_vocab, !config.is_llama());
}

torch::Tensor T3Model::embed_speech(const torch::Tensor& tokens, int64_t first_position) const {
  auto embeds = torch::embedding(speech_emb_, tokens.to(device(), torch::kLong));
  if (!config_.learned_positions) return embeds;
  const int64_t steps = tokens.size(1);
  if (first_position + steps > config_.speech_positions)
    fail(ErrorCode::kResourceExhausted, "speech sequence longer than the " +
                                            std::to_string(config_.speech_positions) +
                                            " learned speech positions");
  return embeds + speech_pos_emb_.narrow(0, first_position, steps);
}

torch::Tensor T3Model::embed_text(const torch::Tensor& tokens, bool zero_row_one) const {
  auto embeds = torch::embedding(text_emb_, tokens.to(device(), torch::kLong));
  if (zero_row_one) embeds[1].zero_();  // the CFG unconditional row keeps only the positions
  if (!config_.learned_positions) return embeds;
  return embeds + text_pos_emb_.narrow(0, 0, tokens.size(1));
}

torch::Tensor T3Model::speech_logits(const torch::Tensor& hidden) const {
  return speech_head_(hidden);
}

void T3Model::check_text(const torch::Tensor& text) const {
  if (text.dim() != 2 || text.size(1) == 0)
    fail(ErrorCode::kInvalidArgument, "text tokens must be a non-empty (B, N) tensor");
  check_ids(text, config_.text_vocab, "text token");
  if (!config_.is_llama()) return;
  if (text.size(1) > config_.text_positions)
    fail(ErrorCode::kResourceExhausted,
         "text of " + std::to_string(text.size(1)) + " tokens exceeds the " +
             std::to_string(config_.text_positions) + " text positions of this T3");
  const int64_t rows = text.size(0);
  if (text.eq(config_.start_text_token).sum().item<int64_t>() < rows ||
      text.eq(config_.stop_text_token).sum().item<int64_t>() < rows)
    fail(ErrorCode::kInvalidArgument,
         "text tokens must carry the start (" + std::to_string(config_.start_text_token) +
             ") and stop (" + std::to_string(config_.stop_text_token) + ") text tokens");
}

torch::Tensor T3Model::prepare_conditioning(const T3Conditionals& cond) const {
  if (!cond.speaker_emb.defined() || cond.speaker_emb.numel() % config_.speaker_embed_size != 0)
    fail(ErrorCode::kInvalidArgument,
         "speaker_emb must hold (B, " + std::to_string(config_.speaker_embed_size) + ") values");
  auto speaker = cond.speaker_emb.to(device(), torch::kFloat32);
  const int64_t batch = speaker.numel() / config_.speaker_embed_size;
  torch::Tensor prompt;
  if (cond.cond_prompt_speech_tokens.defined() && cond.cond_prompt_speech_tokens.numel() > 0) {
    auto tokens = cond.cond_prompt_speech_tokens.to(device(), torch::kLong).view({batch, -1});
    check_ids(tokens, config_.speech_vocab, "prompt speech token");
    prompt = embed_speech(tokens, 0);
  } else {
    prompt = torch::zeros({batch, 0, config_.hidden}, speech_emb_.options());
  }
  torch::Tensor emotion;
  if (config_.emotion_input)
    emotion = cond.emotion_adv.defined() ? cond.emotion_adv.to(device(), torch::kFloat32)
                                         : torch::full({batch, 1, 1}, 0.5, speech_emb_.options());
  return (*cond_encoder_)(speaker, prompt, emotion);
}

T3ForwardOutput T3Model::forward(const T3Conditionals& cond, const torch::Tensor& text_tokens,
                                 const torch::Tensor& speech_tokens) const {
  torch::NoGradGuard no_grad;
  check_text(text_tokens);
  check_ids(speech_tokens, config_.speech_vocab, "speech token");
  const int64_t batch = text_tokens.size(0);
  auto cond_emb = prepare_conditioning(cond);
  if (cond_emb.size(0) != batch) cond_emb = cond_emb.expand({batch, -1, -1});
  auto embeds =
      torch::cat({cond_emb, embed_text(text_tokens, false), embed_speech(speech_tokens, 0)}, 1);

  const int64_t length = embeds.size(1);
  auto cache = backbone_->make_cache(batch, length);
  auto hidden = backbone_->forward(embeds, consecutive_positions(batch, 0, length, device()), cache,
                                   CacheSpan::uniform(0, batch, 0, length));

  const int64_t text_start = cond_emb.size(1), text_len = text_tokens.size(1);
  T3ForwardOutput out;
  out.hidden_states = hidden;
  out.speech_logits = speech_logits(hidden.narrow(1, text_start + text_len, speech_tokens.size(1)));
  if (text_head_.weight.defined())
    out.text_logits = text_head_(hidden.narrow(1, text_start, text_len));
  return out;
}

}  // namespace chatterbox::models::t3
