#include "engine/models/t3/t3_config.h"

#include "engine/common/error.h"

namespace chatterbox::models::t3 {
namespace {

T3Config llama_config(T3Variant variant, const std::string& name, const std::string& layout,
                      int64_t text_vocab) {
  T3Config c;
  c.variant = variant;
  c.name = name;
  c.layout_name = layout;
  c.text_vocab = text_vocab;
  return c;
}

T3Config gpt2_config(T3Variant variant, const std::string& name, const std::string& layout,
                     int64_t hidden, int64_t layers, int64_t heads) {
  T3Config c;
  c.variant = variant;
  c.name = name;
  c.layout_name = layout;
  c.backbone = BackboneKind::kGpt2;
  c.hidden = hidden;
  c.layers = layers;
  c.heads = heads;
  c.head_dim = hidden / heads;
  c.intermediate = 4 * hidden;
  c.text_vocab = 50276;
  c.speech_vocab = 6563;
  c.cond_prompt_len = 375;
  c.learned_positions = false;
  c.perceiver = false;
  c.emotion_input = false;
  return c;
}

}  // namespace

T3Config T3Config::for_variant(T3Variant variant) {
  switch (variant) {
    case T3Variant::kOriginal:
      return llama_config(variant, "original", "t3_base", 704);
    case T3Variant::kMultilingual:
      return llama_config(variant, "multilingual", "t3_mtl", 2454);
    case T3Variant::kTurbo:
      return gpt2_config(variant, "turbo", "t3_turbo", 1024, 24, 16);
    case T3Variant::kNano:
      return gpt2_config(variant, "nano", "t3_nano", 768, 12, 12);
  }
  fail(ErrorCode::kInternal, "unhandled T3 variant");
}

T3Config T3Config::by_name(const std::string& name) {
  if (name == "original" || name == "base" || name == "english")
    return for_variant(T3Variant::kOriginal);
  if (name == "multilingual" || name == "mtl") return for_variant(T3Variant::kMultilingual);
  if (name == "turbo") return for_variant(T3Variant::kTurbo);
  if (name == "nano") return for_variant(T3Variant::kNano);
  fail(ErrorCode::kInvalidArgument,
       "unknown T3 variant '" + name + "' (expected original, multilingual, turbo or nano)");
}

}  // namespace chatterbox::models::t3
