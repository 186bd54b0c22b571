#include "server/voice_name.h"

#include "engine/common/error.h"

namespace chatterbox::server {

bool is_valid_voice_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void require_valid_voice_name(std::string_view name) {
  if (!is_valid_voice_name(name))
    fail(ErrorCode::kInvalidArgument,
         "bad voice name " + quote_for_message(name) + ": use 1 to 64 letters, digits, '_' or '-'");
}

std::string quote_for_message(std::string_view text) {
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < 80; ++i) {
    const char c = text[i];
    out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  }
  if (text.size() > 80) out += "...";
  return out + "'";
}

}  // namespace chatterbox::server
