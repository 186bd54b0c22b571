#include "engine/text/byte_level.h"

#include <array>
#include <unordered_map>

#include "engine/text/utf8.h"

namespace chatterbox::text {
namespace {

// Printable bytes (33..126, 161..172, 174..255) keep their own code point; the remaining 68
// bytes, in increasing order, take U+0100 onwards.
struct ByteMap {
  std::array<char32_t, 256> to_char{};
  std::unordered_map<char32_t, unsigned char> to_byte;

  ByteMap() {
    const auto printable = [](int b) {
      return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    };
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      to_char[b] = printable(b) ? static_cast<char32_t>(b) : next++;
      to_byte[to_char[b]] = static_cast<unsigned char>(b);
    }
  }
};

const ByteMap& byte_map() {
  static const ByteMap map;
  return map;
}

}  // namespace

char32_t byte_to_char(unsigned char byte) {
  return byte_map().to_char[byte];
}

std::optional<unsigned char> char_to_byte(char32_t c) {
  const auto& m = byte_map().to_byte;
  auto it = m.find(c);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

std::string bytes_to_chars(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() * 2);
  for (char b : raw) append_utf8(out, byte_to_char(static_cast<unsigned char>(b)));
  return out;
}

}  // namespace chatterbox::text
