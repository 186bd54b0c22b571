#include "engine/text/cangjie.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/common/error.h"
#include "engine/text/unicode.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {

CangjieTable CangjieTable::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kNotFound, "Cangjie table not found: " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  CangjieTable table;
  try {
    for (const auto& entry : nlohmann::json::parse(buffer.str())) {
      const std::string line = entry.get<std::string>();
      const size_t tab = line.find('\t');
      if (tab == std::string::npos) {
        fail(ErrorCode::kCorruptData, path + ": entry without a tab: '" + line + "'");
      }
      const size_t end = line.find('\t', tab + 1);
      const std::string character = line.substr(0, tab);
      const std::string code = line.substr(tab + 1, end == std::string::npos ? end : end - tab - 1);
      table.code_by_char_[character] = code;
      table.chars_by_code_[code].push_back(character);
    }
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::kCorruptData, path + ": not a JSON list of strings (" + e.what() + ")");
  }
  return table;
}

std::optional<std::string> CangjieTable::code_for(const std::string& character) const {
  auto it = code_by_char_.find(character);
  if (it == code_by_char_.end()) return std::nullopt;
  const auto& chars = chars_by_code_.at(it->second);
  const auto index = std::find(chars.begin(), chars.end(), character) - chars.begin();
  return index > 0 ? it->second + std::to_string(index) : it->second;
}

std::string CangjieTable::encode(const std::string& text) const {
  std::string out;
  for (char32_t c : utf8_decode(text)) {
    std::string character;
    append_utf8(character, c);
    const auto code = is_other_letter(c) ? code_for(character) : std::nullopt;
    if (!code) {
      out += character;
      continue;
    }
    for (char32_t piece : utf8_decode(*code)) {
      out += "[cj_";
      append_utf8(out, piece);
      out += "]";
    }
    out += "[cj_.]";
  }
  return out;
}

}  // namespace chatterbox::text
