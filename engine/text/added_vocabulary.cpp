#include "engine/text/added_vocabulary.h"

#include "engine/text/unicode.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {
namespace {

char32_t last_char(const std::string& text, size_t end) {
  size_t begin = end;
  while (begin > 0 && (static_cast<unsigned char>(text[begin - 1]) & 0xC0) == 0x80) --begin;
  if (begin > 0) --begin;
  const std::u32string cps = utf8_decode(std::string_view(text).substr(begin, end - begin));
  return cps.empty() ? U'\0' : cps.back();
}

char32_t first_char(const std::string& text, size_t begin) {
  const size_t n = utf8_sequence_length(static_cast<unsigned char>(text[begin]));
  const std::u32string cps = utf8_decode(std::string_view(text).substr(begin, n));
  return cps.empty() ? U'\0' : cps.front();
}

bool is_word_char(char32_t c) {
  return is_alphanumeric(c) || c == U'_';
}

// Skips White_Space characters from `pos` forwards (or backwards to the start of a run).
size_t skip_space_forward(const std::string& text, size_t pos) {
  while (pos < text.size()) {
    const size_t n = utf8_sequence_length(static_cast<unsigned char>(text[pos]));
    if (!is_white_space(first_char(text, pos))) break;
    pos += n;
  }
  return pos;
}

size_t skip_space_backward(const std::string& text, size_t pos, size_t floor) {
  while (pos > floor && is_white_space(last_char(text, pos))) {
    --pos;
    while (pos > floor && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) --pos;
  }
  return pos;
}

}  // namespace

void AddedVocabulary::add(const AddedToken& token) {
  auto it = by_content_.find(token.content);
  if (it != by_content_.end()) {
    by_id_.erase(tokens_[it->second].id);
    tokens_[it->second] = token;
    by_id_[token.id] = it->second;
    return;
  }
  by_content_[token.content] = tokens_.size();
  by_id_[token.id] = tokens_.size();
  tokens_.push_back(token);
}

std::optional<int64_t> AddedVocabulary::token_to_id(const std::string& content) const {
  auto it = by_content_.find(content);
  if (it == by_content_.end()) return std::nullopt;
  return tokens_[it->second].id;
}

const AddedToken* AddedVocabulary::find_id(int64_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

const AddedToken* AddedVocabulary::longest_match_at(const std::string& text, size_t pos,
                                                    bool normalized) const {
  const AddedToken* best = nullptr;
  for (const auto& token : tokens_) {
    if (token.normalized != normalized || token.content.empty()) continue;
    if (best != nullptr && token.content.size() <= best->content.size()) continue;
    if (text.compare(pos, token.content.size(), token.content) == 0) best = &token;
  }
  return best;
}

std::vector<Segment> AddedVocabulary::split(const std::string& text, bool normalized) const {
  std::vector<Segment> out;
  size_t emitted = 0;  // end of what has been output so far
  for (size_t pos = 0; pos < text.size();) {
    const AddedToken* token = longest_match_at(text, pos, normalized);
    if (token == nullptr) {
      ++pos;
      continue;
    }
    size_t begin = pos, end = pos + token->content.size();
    pos = end;
    if (token->single_word) {
      const bool space_before = begin == 0 || !is_word_char(last_char(text, begin));
      const bool space_after = end == text.size() || !is_word_char(first_char(text, end));
      if (!space_before || !space_after) continue;
    }
    if (token->lstrip) begin = skip_space_backward(text, begin, emitted);
    if (token->rstrip) end = skip_space_forward(text, end);
    if (emitted < begin) out.push_back({text.substr(emitted, begin - emitted), std::nullopt});
    out.push_back({text.substr(begin, end - begin), token->id});
    emitted = end;
    pos = end;
  }
  if (emitted < text.size()) out.push_back({text.substr(emitted), std::nullopt});
  return out;
}

}  // namespace chatterbox::text
