#pragma once
// The members of the Chatterbox family that chatterboxd serves (DESIGN.md, "What it serves").

#include <string>
#include <vector>

namespace chatterbox {

enum class Variant { kOriginal, kMultilingual, kTurbo, kNano, kVoiceConversion };

// Accepts the canonical names (original, multilingual, turbo, nano, vc) and a few aliases
// (english, en, mtl, voice-conversion). Throws kInvalidArgument listing the valid names.
Variant parse_variant(const std::string& name);
const char* variant_name(Variant variant);
std::vector<Variant> all_variants();

// Turbo and Nano: a GPT-2 T3 and the meanflow S3Gen decoder (2 steps).
inline bool is_turbo_family(Variant variant) {
  return variant == Variant::kTurbo || variant == Variant::kNano;
}

}  // namespace chatterbox
