#include "engine/runtime/speech_budget.h"

#include <algorithm>
#include <cmath>

namespace chatterbox::runtime {

int64_t default_text_chunk_chars(Variant variant) {
  return variant == Variant::kOriginal ? 350 : 300;
}

int64_t speech_token_bound(const std::string& text) {
  double weight = 0;
  for (size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : 4;
    // Three-byte code points from U+2E80 on are CJK (and kana, hangul): about a syllable each.
    weight += (n == 3 && lead >= 0xE2 && text.compare(i, 3, "\xE2\xBA\x80") >= 0) ? 3.0 : 1.0;
    i += n;
  }
  const double seconds = 2.0 + 3.0 * weight / 14.0;
  return std::min<int64_t>(1000, static_cast<int64_t>(std::ceil(seconds * 25.0)));
}

}  // namespace chatterbox::runtime
