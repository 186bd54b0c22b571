#pragma once
// GPT-2's reversible byte <-> printable character map: every byte of the UTF-8 input becomes
// one visible code point, so byte-level BPE vocabularies are ordinary strings (a space is "Ġ").

#include <optional>
#include <string>
#include <string_view>

namespace chatterbox::text {

// The code point that stands for `byte`.
char32_t byte_to_char(unsigned char byte);

// The byte a code point stands for, if it is one of the 256 characters of the map.
std::optional<unsigned char> char_to_byte(char32_t c);

// Maps every byte of `raw` to its character (UTF-8 encoded).
std::string bytes_to_chars(std::string_view raw);

}  // namespace chatterbox::text
