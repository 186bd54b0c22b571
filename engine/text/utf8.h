#pragma once
// UTF-8 <-> code points, with strict validation: text from users is checked once at the edge
// of the text front end, and everything after works on well-formed strings.

#include <string>
#include <string_view>

namespace chatterbox::text {

// Decodes UTF-8; throws Error(kInvalidArgument) naming `what` and the byte offset of the first
// malformed sequence (truncated, overlong, surrogate, beyond U+10FFFF, stray continuation byte).
std::u32string utf8_decode(std::string_view utf8, std::string_view what = "text");

// Throws like utf8_decode when `utf8` is not well-formed UTF-8.
void require_valid_utf8(std::string_view utf8, std::string_view what = "text");

bool is_valid_utf8(std::string_view utf8);

// Like Rust's String::from_utf8_lossy: each maximal ill-formed subsequence becomes U+FFFD.
std::string utf8_lossy(std::string_view bytes);

void append_utf8(std::string& out, char32_t code_point);
std::string utf8_encode(std::u32string_view code_points);

// Length in bytes of the UTF-8 sequence starting with `lead` (1 for anything unexpected).
inline size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace chatterbox::text
