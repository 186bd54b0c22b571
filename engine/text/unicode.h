#pragma once
// Unicode services for the text front ends, on ICU (root locale, so no locale-dependent
// casing). Each predicate names whose definition it reproduces, because Python, Rust's regex
// crate and Oniguruma draw the lines between "space", "word" and "letter" differently.

#include <string>
#include <string_view>

namespace chatterbox::text {

// Python's str.isspace for one character: general category Zs, or bidirectional class
// WS, B or S (so U+001C..U+001F count, U+200B does not).
bool python_isspace(char32_t c);

// Python's str.islower for one character: the derived Lowercase property.
bool python_islower(char32_t c);

// The White_Space property: Rust's char::is_whitespace, regex \s, Oniguruma's Unicode \s.
bool is_white_space(char32_t c);

// Rust regex crate's Unicode \w: Alphabetic, marks, decimal digits, connector punctuation,
// Join_Control.
bool is_regex_word(char32_t c);

// General category L* (\p{L}) and N* (\p{N}).
bool is_letter(char32_t c);
bool is_number(char32_t c);
// General category Lo.
bool is_other_letter(char32_t c);
// Rust's char::is_alphanumeric: Alphabetic or N*.
bool is_alphanumeric(char32_t c);

// Full (possibly multi-character) upper-casing of one character, as Python's str.upper():
// U+00DF "ß" becomes "SS".
std::u32string full_upper(char32_t c);

// Full, context-sensitive lower-casing of a UTF-8 string, as Python's str.lower(): final
// sigma, U+0130 -> "i" + U+0307, locale-independent.
std::string full_lower(std::string_view utf8);

// Lower-casing each character on its own (Rust's char::to_lowercase; the tokenizers
// Lowercase normalizer): no final-sigma context.
std::string per_char_lower(std::string_view utf8);

enum class NormalForm { kNFC, kNFD, kNFKC, kNFKD };
std::string normalize(std::string_view utf8, NormalForm form);

}  // namespace chatterbox::text
