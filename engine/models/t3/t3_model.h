#pragma once
// T3: text tokens (plus voice conditioning) to speech tokens. Loaded once per checkpoint and
// shared read-only by every request; each generate() call owns its KV cache.

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/io/state_dict.h"
#include "engine/models/t3/backbone.h"
#include "engine/models/t3/cond_encoder.h"
#include "engine/models/t3/t3_config.h"
#include "engine/sampling/sampler.h"

namespace chatterbox::models::t3 {

// The voice conditioning of a request (upstream T3Cond).
struct T3Conditionals {
  torch::Tensor speaker_emb;                // (B, 256) float32, VoiceEncoder utterance embedding
  torch::Tensor cond_prompt_speech_tokens;  // (B, P) int64 S3 tokens of the voice prompt; may be
                                            // undefined or empty (P = 0)
  torch::Tensor emotion_adv;                // (B, 1, 1) exaggeration; Llama only; undefined = 0.5
};

struct T3LoadOptions {
  torch::Device device = torch::kCPU;
  // text_head is only used for the training loss (and by forward()'s text_logits); Turbo's is
  // 200 MB, so it is not kept unless asked for.
  bool keep_text_head = false;
  // The transformer's weights, activations and KV cache: float32, bfloat16 or float16. Norms,
  // the conditioning encoder, the embeddings and the speech head (logits) stay in float32.
  torch::ScalarType dtype = torch::kFloat32;
  // The transformer's decode steps (one or two rows) multiply by int8 copies of its weights, one
  // scale per output row (int8_rows.h); prefill keeps the float32 weights. CPU and float32 only.
  bool int8_rows = false;
};

struct T3GenerationOptions {
  sampling::SamplingOptions sampling;
  double cfg_weight = 0.5;        // Llama variants: logits = c + w (c - u); ignored by GPT-2
  int64_t max_new_tokens = 1000;  // sampled tokens at most (Turbo/Nano: plus its first token)

  // Upstream pipeline defaults for the variant.
  static T3GenerationOptions defaults_for(const T3Config& config);
  // Throws kInvalidArgument for a bad value.
  void validate(const T3Config& config) const;
};

struct T3ForwardOutput {
  torch::Tensor text_logits;    // (B, Nt, V_text); undefined unless loaded with keep_text_head
  torch::Tensor speech_logits;  // (B, Ns, V_speech)
  torch::Tensor hidden_states;  // (B, L, D) final normed hidden states of the whole sequence
};

struct T3Generation {
  torch::Tensor tokens;       // (1, n) int64 speech tokens, without the stop token
  bool reached_stop = false;  // generation ended on the stop token (6562)
};

// Called with each new speech token (never the stop token); return false to stop early.
using SpeechTokenCallback = std::function<bool(int64_t token)>;

class T3Model {
 public:
  // variant: "original", "multilingual", "turbo", "nano" (see T3Config::by_name). Checks the
  // checkpoint against the variant's layout and throws kCorruptData naming the first key that
  // is missing or misshapen.
  static std::shared_ptr<const T3Model> load(const std::string& variant,
                                             const io::StateDict& checkpoint,
                                             const T3LoadOptions& options = {});
  static std::shared_ptr<const T3Model> load(const T3Config& config,
                                             const io::StateDict& checkpoint,
                                             const T3LoadOptions& options = {});

  const T3Config& config() const { return config_; }
  torch::ScalarType dtype() const { return backbone_->dtype(); }
  torch::Device device() const { return speech_head_.weight.device(); }

  // The conditioning prefix (B, Lc, D): 34 rows on Llama variants, 1 + P on GPT-2 variants.
  torch::Tensor prepare_conditioning(const T3Conditionals& cond) const;

  // Teacher-forced pass over [cond | text | speech] (no CFG), as upstream T3.forward.
  // text_tokens (B, Nt) and speech_tokens (B, Ns) int64, as given (Llama: with start/stop).
  T3ForwardOutput forward(const T3Conditionals& cond, const torch::Tensor& text_tokens,
                          const torch::Tensor& speech_tokens) const;

  // Samples speech tokens for one request, on a T3Decoder of one slot (the same decode path
  // the engine batches). text_tokens (1, N) int64 as the model consumes them (Llama: the
  // pipeline adds start 255 and stop 0; GPT-2: plain tokenizer ids). Llama variants run the
  // CFG pair (two rows, the unconditional one with its text embeddings zeroed).
  T3Generation generate(const T3Conditionals& cond, const torch::Tensor& text_tokens,
                        const T3GenerationOptions& options, sampling::UniformSource& uniforms,
                        const SpeechTokenCallback& on_token = {}) const;

  // The pieces T3Decoder drives.
  // Rows a request takes in the KV cache: 2 on Llama variants (CFG pair), 1 on GPT-2.
  int64_t rows_per_request() const { return config_.is_llama() ? 2 : 1; }
  // The prefill input of one request, (rows_per_request, L, D): conditioning, text and the
  // start token (twice on Llama variants, as upstream's prefill has it). Validates the text.
  int64_t prefill_length(const T3Conditionals& cond, int64_t text_tokens) const;
  // Positions of the prefill that the conditioning takes, before the text: the same whatever
  // the text, and what comes before it does not depend on it.
  int64_t conditioning_length(const T3Conditionals& cond) const {
    return prefill_length(cond, 0) - (config_.is_llama() ? 2 : 1);
  }
  torch::Tensor prefill_embeddings(const T3Conditionals& cond, const torch::Tensor& text_tokens,
                                   double cfg_weight) const;
  // The input of one decode step: tokens (R,) int64 and, on Llama variants, their speech
  // position indices (R,) int64 (tokens sampled before them); (R, 1, D).
  torch::Tensor step_embeddings(const torch::Tensor& tokens,
                                const torch::Tensor& speech_positions) const;
  torch::Tensor speech_logits(const torch::Tensor& hidden) const;
  const Backbone& backbone() const { return *backbone_; }

  T3Model(const T3Config& config, const io::StateDict& checkpoint, const T3LoadOptions& options);

 private:
  torch::Tensor embed_speech(const torch::Tensor& tokens, int64_t first_position) const;
  torch::Tensor embed_text(const torch::Tensor& tokens, bool zero_row_one) const;
  void check_text(const torch::Tensor& text_tokens) const;

  T3Config config_;
  std::unique_ptr<Backbone> backbone_;
  std::unique_ptr<CondEncoder> cond_encoder_;
  torch::Tensor text_emb_;
  torch::Tensor speech_emb_;
  torch::Tensor text_pos_emb_;    // Llama only
  torch::Tensor speech_pos_emb_;  // Llama only
  Linear text_head_;              // only with keep_text_head
  Linear speech_head_;
};

}  // namespace chatterbox::models::t3
