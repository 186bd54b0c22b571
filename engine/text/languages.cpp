#include "engine/text/languages.h"

#include <algorithm>

#include "engine/common/error.h"

namespace chatterbox::text {

const std::vector<std::string>& supported_languages() {
  static const std::vector<std::string> codes = {"ar", "da", "de", "el", "en", "es", "fi", "fr",
                                                 "he", "hi", "it", "ja", "ko", "ms", "nl", "no",
                                                 "pl", "pt", "ru", "sv", "sw", "tr", "zh"};
  return codes;
}

std::string canonical_language(std::string_view language) {
  std::string code(language);
  for (char& c : code) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (code.empty()) return code;
  const auto& codes = supported_languages();
  if (std::find(codes.begin(), codes.end(), code) == codes.end()) {
    std::string list;
    for (const auto& c : codes) list += (list.empty() ? "" : ", ") + c;
    fail(ErrorCode::kInvalidArgument,
         "unsupported language '" + std::string(language) + "'; supported languages: " + list);
  }
  return code;
}

}  // namespace chatterbox::text
