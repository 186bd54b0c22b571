#include "engine/common/variant.h"

#include "engine/common/error.h"

namespace chatterbox {

Variant parse_variant(const std::string& name) {
  if (name == "original" || name == "english" || name == "en") return Variant::kOriginal;
  if (name == "multilingual" || name == "mtl") return Variant::kMultilingual;
  if (name == "turbo") return Variant::kTurbo;
  if (name == "nano") return Variant::kNano;
  if (name == "vc" || name == "voice-conversion") return Variant::kVoiceConversion;
  fail(ErrorCode::kInvalidArgument,
       "unknown variant '" + name + "' (expected original, multilingual, turbo, nano or vc)");
}

const char* variant_name(Variant variant) {
  switch (variant) {
    case Variant::kOriginal:
      return "original";
    case Variant::kMultilingual:
      return "multilingual";
    case Variant::kTurbo:
      return "turbo";
    case Variant::kNano:
      return "nano";
    case Variant::kVoiceConversion:
      return "vc";
  }
  return "?";
}

std::vector<Variant> all_variants() {
  return {Variant::kOriginal, Variant::kMultilingual, Variant::kTurbo, Variant::kNano,
          Variant::kVoiceConversion};
}

}  // namespace chatterbox
