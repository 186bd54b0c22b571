#pragma once
// Cangjie coding of Chinese characters for the multilingual tokenizer (Cangjie5_TC.json):
// each Lo character found in the table becomes [cj_x] pieces for its code letters (and an
// index digit when several characters share the code), then [cj_.].

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace chatterbox::text {

class CangjieTable {
 public:
  // Cangjie5_TC.json: a JSON list of "<char>\t<code>[\t...]" strings. Missing: kNotFound;
  // malformed: kCorruptData.
  static CangjieTable from_file(const std::string& path);

  // The code with its index suffix; nullopt when the character is not in the table.
  std::optional<std::string> code_for(const std::string& character) const;

  // Replaces every Lo character of `text` that the table knows by its [cj_*] pieces.
  std::string encode(const std::string& text) const;

 private:
  std::unordered_map<std::string, std::string> code_by_char_;                // last entry wins
  std::unordered_map<std::string, std::vector<std::string>> chars_by_code_;  // file order
};

}  // namespace chatterbox::text
