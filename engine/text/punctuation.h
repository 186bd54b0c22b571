#pragma once
// punc_norm: the reference's clean-up of the text before tokenisation. Each model family has
// its own copy with small differences (which replacements run, which characters end a
// sentence); the output must match byte for byte because every character becomes tokens.

#include <string>
#include <string_view>

namespace chatterbox::text {

enum class PuncVariant {
  kOriginal,      // tts.py (English)
  kMultilingual,  // mtl_tts.py: CJK full-width sentence enders too
  kTurbo,         // tts_turbo.py (Turbo and Nano): keeps "...", " - " and ";"
};

// What the reference substitutes for empty input.
inline constexpr std::string_view kEmptyTextReplacement =
    "You need to add some text for me to talk.";

// Throws Error(kInvalidArgument) on invalid UTF-8. Order of steps (all significant):
// empty -> kEmptyTextReplacement; upper-case the first character if it is lower case (before
// whitespace is collapsed, so a leading space prevents it); collapse Python-whitespace runs
// to one space and trim; the variant's replacements in order (which may leave double
// spaces); strip trailing ASCII spaces; append "." unless the text ends with a sentence ender.
std::string punc_norm(std::string_view text, PuncVariant variant);

}  // namespace chatterbox::text
