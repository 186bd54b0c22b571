#include "engine/text/utf8.h"

#include "engine/common/error.h"

namespace chatterbox::text {
namespace {

// Decodes one code point at `pos`; returns false (leaving `pos`) on a malformed sequence.
bool decode_one(std::string_view s, size_t& pos, char32_t& out) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(pos);
  if (lead < 0x80) {
    out = lead;
    ++pos;
    return true;
  }
  size_t length = 0;
  char32_t cp = 0;
  char32_t minimum = 0;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, cp = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, cp = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, cp = lead & 0x07, minimum = 0x10000;
  } else {
    return false;
  }
  if (pos + length > s.size()) return false;
  for (size_t i = 1; i < length; ++i) {
    const unsigned char c = byte(pos + i);
    if ((c & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  out = cp;
  pos += length;
  return true;
}

[[noreturn]] void fail_invalid(std::string_view what, size_t offset) {
  fail(ErrorCode::kInvalidArgument, std::string(what) +
                                        " is not valid UTF-8 (malformed byte sequence at byte " +
                                        std::to_string(offset) + ")");
}

}  // namespace

std::u32string utf8_decode(std::string_view utf8, std::string_view what) {
  std::u32string out;
  out.reserve(utf8.size());
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t cp = 0;
    if (!decode_one(utf8, pos, cp)) fail_invalid(what, pos);
    out.push_back(cp);
  }
  return out;
}

bool is_valid_utf8(std::string_view utf8) {
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    if (!decode_one(utf8, pos, cp)) return false;
  }
  return true;
}

void require_valid_utf8(std::string_view utf8, std::string_view what) {
  size_t pos = 0;
  char32_t cp = 0;
  while (pos < utf8.size()) {
    if (!decode_one(utf8, pos, cp)) fail_invalid(what, pos);
  }
}

std::string utf8_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t start = pos;
    char32_t cp = 0;
    if (decode_one(bytes, pos, cp)) {
      out.append(bytes.substr(start, pos - start));
      continue;
    }
    // Skip the lead byte and every continuation byte that could still have completed it.
    const unsigned char lead = static_cast<unsigned char>(bytes[pos]);
    unsigned char low = 0x80, high = 0xBF;
    size_t length = 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    ++pos;
    for (size_t i = 1; i < length && pos < bytes.size(); ++i, ++pos) {
      const unsigned char c = static_cast<unsigned char>(bytes[pos]);
      if (c < low || c > high) break;
      low = 0x80, high = 0xBF;
    }
    append_utf8(out, 0xFFFD);
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string utf8_encode(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) append_utf8(out, cp);
  return out;
}

}  // namespace chatterbox::text
