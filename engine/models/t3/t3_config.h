#pragma once
// Hyperparameters of every T3 variant, known by name. The numbers follow the upstream T3Config
// and the backbone dictionaries (spec t3-and-pipelines.md 6.1).

#include <cstdint>
#include <string>

namespace chatterbox::models::t3 {

enum class T3Variant { kOriginal, kMultilingual, kTurbo, kNano };
enum class BackboneKind { kLlama, kGpt2 };

struct T3Config {
  T3Variant variant = T3Variant::kOriginal;
  std::string name;         // "original", "multilingual", "turbo", "nano"
  std::string layout_name;  // io::param_layout name of its checkpoint
  BackboneKind backbone = BackboneKind::kLlama;

  int64_t hidden = 1024;
  int64_t layers = 30;
  int64_t heads = 16;
  int64_t head_dim = 64;
  int64_t intermediate = 4096;
  double norm_eps = 1e-5;

  int64_t text_vocab = 704;
  int64_t speech_vocab = 8194;
  int64_t start_text_token = 255;
  int64_t stop_text_token = 0;
  int64_t start_speech_token = 6561;
  int64_t stop_speech_token = 6562;

  int64_t speaker_embed_size = 256;
  int64_t cond_prompt_len = 150;  // speech tokens of the voice prompt the pipelines supply

  // Llama variants only: learned position tables, perceiver resampler and emotion input.
  bool learned_positions = true;
  int64_t text_positions = 2050;    // max_text_tokens + 2
  int64_t speech_positions = 4100;  // max_speech_tokens + 2 + 2
  bool perceiver = true;
  int64_t perceiver_queries = 32;
  int64_t perceiver_heads = 4;
  bool emotion_input = true;

  // Llama RoPE (llama3 scaling).
  double rope_theta = 500000.0;
  double rope_factor = 8.0;
  double rope_low_freq_factor = 1.0;
  double rope_high_freq_factor = 4.0;
  double rope_original_context = 8192.0;

  // GPT-2 absolute position table (wpe rows).
  int64_t max_positions = 8196;

  bool is_llama() const { return backbone == BackboneKind::kLlama; }

  static T3Config for_variant(T3Variant variant);
  // Accepts "original" (also "base", "english"), "multilingual" ("mtl"), "turbo", "nano".
  // Throws kInvalidArgument naming the accepted names otherwise.
  static T3Config by_name(const std::string& name);
};

}  // namespace chatterbox::models::t3
