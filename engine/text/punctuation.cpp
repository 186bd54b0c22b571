#include "engine/text/punctuation.h"

#include <utility>
#include <vector>

#include "engine/common/strings.h"
#include "engine/text/unicode.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {
namespace {

using Replacement = std::pair<std::string_view, std::string_view>;

const std::vector<Replacement>& replacements(PuncVariant variant) {
  static const std::vector<Replacement> full = {
      {"...", ", "},    {"\u2026", ", "}, {":", ","},      {" - ", ", "},
      {";", ", "},      {"\u2014", "-"},  {"\u2013", "-"}, {" ,", ","},
      {"\u201C", "\""}, {"\u201D", "\""}, {"\u2018", "'"}, {"\u2019", "'"},
  };
  static const std::vector<Replacement> turbo = {
      {"\u2026", ", "}, {":", ","},       {"\u2014", "-"}, {"\u2013", "-"}, {" ,", ","},
      {"\u201C", "\""}, {"\u201D", "\""}, {"\u2018", "'"}, {"\u2019", "'"},
  };
  return variant == PuncVariant::kTurbo ? turbo : full;
}

const std::vector<std::string_view>& sentence_enders(PuncVariant variant) {
  static const std::vector<std::string_view> basic = {".", "!", "?", "-", ","};
  static const std::vector<std::string_view> cjk = {
      ".", "!", "?", "-", ",", "\u3001", "\uFF0C", "\u3002", "\uFF1F", "\uFF01"};
  return variant == PuncVariant::kMultilingual ? cjk : basic;
}

// Python's " ".join(text.split()).
std::u32string collapse_whitespace(const std::u32string& text) {
  std::u32string out;
  bool pending_space = false;
  for (char32_t c : text) {
    if (python_isspace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
}

}  // namespace

std::string punc_norm(std::string_view input, PuncVariant variant) {
  std::u32string text = utf8_decode(input, "text");
  if (text.empty()) return std::string(kEmptyTextReplacement);

  if (python_islower(text[0])) text.replace(0, 1, full_upper(text[0]));

  std::string out = utf8_encode(collapse_whitespace(text));
  for (const auto& [from, to] : replacements(variant)) replace_all(out, from, to);

  while (!out.empty() && out.back() == ' ') out.pop_back();
  bool ended = false;
  for (std::string_view ender : sentence_enders(variant)) ended = ended || ends_with(out, ender);
  if (!ended) out += ".";
  return out;
}

}  // namespace chatterbox::text
