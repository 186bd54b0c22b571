#include "engine/text/en_tokenizer.h"

#include "engine/common/error.h"
#include "engine/text/punctuation.h"

namespace chatterbox::text {
namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
}

}  // namespace

void require_start_stop_tokens(const HfTokenizer& tokenizer, const std::string& origin) {
  for (const char* token : {"[START]", "[STOP]"}) {
    if (!tokenizer.token_to_id(token)) {
      fail(ErrorCode::kCorruptData, origin + ": the vocabulary has no " + token + " token");
    }
  }
}

std::string replace_spaces_with_space_token(const std::string& text) {
  std::string out = text;
  replace_all(out, " ", "[SPACE]");
  return out;
}

std::string decode_grapheme_ids(const HfTokenizer& tokenizer, const std::vector<int64_t>& ids) {
  std::string text = tokenizer.decode(ids, /*skip_special_tokens=*/false);
  replace_all(text, " ", "");
  replace_all(text, "[SPACE]", " ");
  replace_all(text, "[STOP]", "");
  replace_all(text, "[UNK]", "");
  return text;
}

EnTokenizer::EnTokenizer(HfTokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {
  require_start_stop_tokens(tokenizer_, "English tokenizer");
}

EnTokenizer EnTokenizer::from_file(const std::string& tokenizer_json) {
  return EnTokenizer(HfTokenizer::from_json_file(tokenizer_json));
}

std::string EnTokenizer::normalize(const std::string& text) const {
  return punc_norm(text, PuncVariant::kOriginal);
}

std::vector<int64_t> EnTokenizer::encode(const std::string& normalized_text,
                                         const std::string& /*language*/) const {
  return tokenizer_.encode(replace_spaces_with_space_token(normalized_text));
}

std::string EnTokenizer::decode(const std::vector<int64_t>& ids) const {
  return decode_grapheme_ids(tokenizer_, ids);
}

}  // namespace chatterbox::text
