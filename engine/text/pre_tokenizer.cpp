#include "engine/text/pre_tokenizer.h"

#include "engine/common/error.h"
#include "engine/text/byte_level.h"
#include "engine/text/unicode.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {
namespace {

using Pieces = std::vector<std::string>;

size_t run_end(const std::u32string& s, size_t from, bool (*in_class)(char32_t)) {
  while (from < s.size() && in_class(s[from])) ++from;
  return from;
}

bool is_gpt2_other(char32_t c) {
  return !is_white_space(c) && !is_letter(c) && !is_number(c);
}
bool is_word_punct(char32_t c) {
  return !is_regex_word(c) && !is_white_space(c);
}

// Length of a contraction ('s 't 're 've 'm 'll 'd) at `i`, or 0.
size_t contraction_length(const std::u32string& s, size_t i) {
  if (s[i] != U'\'' || i + 1 >= s.size()) return 0;
  const char32_t a = s[i + 1];
  if (a == U's' || a == U't' || a == U'm' || a == U'd') return 2;
  if (i + 2 >= s.size()) return 0;
  const char32_t b = s[i + 2];
  if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) return 3;
  return 0;
}

// Length of the GPT-2 pattern's match at `i` (always >= 1).
size_t gpt2_match_length(const std::u32string& s, size_t i) {
  if (size_t n = contraction_length(s, i)) return n;
  const size_t body = (s[i] == U' ') ? i + 1 : i;  // " ?" then a class run
  if (body < s.size()) {
    for (auto in_class : {&is_letter, &is_number, &is_gpt2_other}) {
      if (in_class(s[body])) return run_end(s, body, in_class) - i;
    }
  }
  // Only whitespace is left: \s+(?!\S) keeps the last space for the next word, unless the
  // run ends the text; a single space before a word falls through to \s+.
  const size_t end = run_end(s, i, &is_white_space);
  if (end == s.size() || end - i == 1) return end - i;
  return end - i - 1;
}

std::string slice(const std::u32string& s, size_t begin, size_t end) {
  return utf8_encode(std::u32string_view(s).substr(begin, end - begin));
}

Pieces split_on_whitespace(const std::string& utf8) {
  const std::u32string s = utf8_decode(utf8);
  Pieces out;
  size_t i = 0;
  while (i < s.size()) {
    if (is_white_space(s[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < s.size() && !is_white_space(s[end])) ++end;
    out.push_back(slice(s, i, end));
    i = end;
  }
  return out;
}

Pieces byte_level_split(const std::string& segment, bool add_prefix_space, bool use_regex) {
  std::string text = segment;
  if (add_prefix_space && (text.empty() || text[0] != ' ')) text.insert(text.begin(), ' ');
  Pieces words = use_regex ? gpt2_regex_split(text) : Pieces{text};
  for (auto& w : words) w = bytes_to_chars(w);
  return words;
}

}  // namespace

std::vector<std::string> gpt2_regex_split(const std::string& utf8) {
  const std::u32string s = utf8_decode(utf8);
  Pieces out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = gpt2_match_length(s, i);
    out.push_back(slice(s, i, i + n));
    i += n;
  }
  return out;
}

std::vector<std::string> whitespace_regex_split(const std::string& utf8) {
  const std::u32string s = utf8_decode(utf8);
  Pieces out;
  for (size_t i = 0; i < s.size();) {
    size_t end = i;
    if (is_regex_word(s[i])) {
      end = run_end(s, i, &is_regex_word);
    } else if (!is_white_space(s[i])) {
      end = run_end(s, i, &is_word_punct);
    } else {
      ++i;
      continue;
    }
    out.push_back(slice(s, i, end));
    i = end;
  }
  return out;
}

PreTokenizer PreTokenizer::byte_level(bool add_prefix_space, bool use_regex) {
  PreTokenizer p;
  p.kind_ = Kind::kByteLevel;
  p.add_prefix_space_ = add_prefix_space;
  p.use_regex_ = use_regex;
  return p;
}

PreTokenizer PreTokenizer::from_json(const nlohmann::json& config) {
  PreTokenizer p;
  if (config.is_null()) return p;
  const std::string type = config.value("type", "");
  if (type == "Whitespace") {
    p.kind_ = Kind::kWhitespace;
  } else if (type == "WhitespaceSplit") {
    p.kind_ = Kind::kWhitespaceSplit;
  } else if (type == "ByteLevel") {
    p = byte_level(config.value("add_prefix_space", true), config.value("use_regex", true));
  } else if (type == "Sequence") {
    p.kind_ = Kind::kSequence;
    for (const auto& step : config.at("pretokenizers")) p.steps_.push_back(from_json(step));
  } else {
    fail(ErrorCode::kUnsupported, "tokenizer.json: pre-tokenizer type '" + type +
                                      "' is not supported (supported: Whitespace, "
                                      "WhitespaceSplit, ByteLevel, Sequence)");
  }
  return p;
}

std::vector<std::string> PreTokenizer::split(const std::string& segment) const {
  switch (kind_) {
    case Kind::kNone:
      return {segment};
    case Kind::kWhitespace:
      return whitespace_regex_split(segment);
    case Kind::kWhitespaceSplit:
      return split_on_whitespace(segment);
    case Kind::kByteLevel:
      return byte_level_split(segment, add_prefix_space_, use_regex_);
    case Kind::kSequence: {
      Pieces pieces{segment};
      for (const auto& step : steps_) {
        Pieces next;
        for (const auto& piece : pieces) {
          for (auto& sub : step.split(piece)) next.push_back(std::move(sub));
        }
        pieces = std::move(next);
      }
      return pieces;
    }
  }
  return {segment};
}

}  // namespace chatterbox::text
