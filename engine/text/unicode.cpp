#include "engine/text/unicode.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "engine/common/error.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {
namespace {

icu::UnicodeString to_icu(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

std::string from_icu(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

const icu::Normalizer2& normalizer(NormalForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = nullptr;
  switch (form) {
    case NormalForm::kNFC:
      n = icu::Normalizer2::getNFCInstance(status);
      break;
    case NormalForm::kNFD:
      n = icu::Normalizer2::getNFDInstance(status);
      break;
    case NormalForm::kNFKC:
      n = icu::Normalizer2::getNFKCInstance(status);
      break;
    case NormalForm::kNFKD:
      n = icu::Normalizer2::getNFKDInstance(status);
      break;
  }
  if (U_FAILURE(status) || n == nullptr) {
    fail(ErrorCode::kUnavailable,
         std::string("ICU normalizer data unavailable: ") + u_errorName(status));
  }
  return *n;
}

}  // namespace

bool python_isspace(char32_t c) {
  if (u_charType(c) == U_SPACE_SEPARATOR) return true;
  const UCharDirection d = u_charDirection(c);
  return d == U_WHITE_SPACE_NEUTRAL || d == U_BLOCK_SEPARATOR || d == U_SEGMENT_SEPARATOR;
}

bool python_islower(char32_t c) {
  return u_hasBinaryProperty(c, UCHAR_LOWERCASE);
}

bool is_white_space(char32_t c) {
  return u_hasBinaryProperty(c, UCHAR_WHITE_SPACE);
}

bool is_regex_word(char32_t c) {
  if (u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL))
    return true;
  switch (u_charType(c)) {
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_CONNECTOR_PUNCTUATION:
      return true;
    default:
      return false;
  }
}

bool is_letter(char32_t c) {
  return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0;
}

bool is_number(char32_t c) {
  return (U_GET_GC_MASK(c) & U_GC_N_MASK) != 0;
}

bool is_other_letter(char32_t c) {
  return u_charType(c) == U_OTHER_LETTER;
}

bool is_alphanumeric(char32_t c) {
  return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || is_number(c);
}

std::u32string full_upper(char32_t c) {
  icu::UnicodeString s(static_cast<UChar32>(c));
  s.toUpper(icu::Locale::getRoot());
  std::u32string out;
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) out.push_back(s.char32At(i));
  return out;
}

std::string full_lower(std::string_view utf8) {
  icu::UnicodeString s = to_icu(utf8);
  s.toLower(icu::Locale::getRoot());
  return from_icu(s);
}

std::string per_char_lower(std::string_view utf8) {
  std::string out;
  for (char32_t c : utf8_decode(utf8)) {
    icu::UnicodeString s(static_cast<UChar32>(c));
    s.toLower(icu::Locale::getRoot());
    s.toUTF8String(out);
  }
  return out;
}

std::string normalize(std::string_view utf8, NormalForm form) {
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString result = normalizer(form).normalize(to_icu(utf8), status);
  if (U_FAILURE(status)) {
    fail(ErrorCode::kInternal, std::string("Unicode normalisation failed: ") + u_errorName(status));
  }
  return from_icu(result);
}

}  // namespace chatterbox::text
