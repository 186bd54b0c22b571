#include "engine/text/mtl_tokenizer.h"

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/text/en_tokenizer.h"
#include "engine/text/languages.h"
#include "engine/text/punctuation.h"
#include "engine/text/unicode.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {

std::string decompose_hangul(const std::string& text) {
  std::u32string out;
  for (char32_t c : utf8_decode(text)) {
    if (c < 0xAC00 || c > 0xD7AF) {
      out.push_back(c);
      continue;
    }
    const char32_t index = c - 0xAC00;
    out.push_back(0x1100 + index / (21 * 28));
    out.push_back(0x1161 + (index % (21 * 28)) / 28);
    if (index % 28 > 0) out.push_back(0x11A7 + index % 28);
  }
  size_t begin = 0, end = out.size();
  while (begin < end && python_isspace(out[begin])) ++begin;
  while (end > begin && python_isspace(out[end - 1])) --end;
  return utf8_encode(std::u32string_view(out).substr(begin, end - begin));
}

MtlTokenizer::MtlTokenizer(HfTokenizer tokenizer, std::optional<CangjieTable> cangjie,
                           std::string origin)
    : tokenizer_(std::move(tokenizer)), cangjie_(std::move(cangjie)), origin_(std::move(origin)) {
  require_start_stop_tokens(tokenizer_, "multilingual tokenizer " + origin_);
}

MtlTokenizer MtlTokenizer::from_files(const std::string& vocab_json,
                                      const std::string& cangjie_json) {
  std::optional<CangjieTable> cangjie;
  if (!cangjie_json.empty() && fs::exists(cangjie_json)) {
    cangjie = CangjieTable::from_file(cangjie_json);
  }
  const std::string dir = fs::parent_path(vocab_json);
  return MtlTokenizer(HfTokenizer::from_json_file(vocab_json), std::move(cangjie), dir);
}

std::string MtlTokenizer::normalize(const std::string& text) const {
  return punc_norm(text, PuncVariant::kMultilingual);
}

std::string MtlTokenizer::language_step(const std::string& text,
                                        const std::string& language) const {
  if (language == "ko") return decompose_hangul(text);
  if (language == "zh") {
    if (!cangjie_) {
      fail(ErrorCode::kNotFound,
           "Chinese (zh) needs Cangjie5_TC.json in the checkpoint directory (" + origin_ +
               "); it is not there");
    }
    return cangjie_->encode(text);
  }
  if (language == "ja") {
    fail(ErrorCode::kUnsupported,
         "Japanese (ja) needs pykakasi's kanji-to-hiragana dictionaries, which this build does "
         "not include");
  }
  return text;  // he and ru pass through, as in a default reference install
}

std::string MtlTokenizer::prepare(const std::string& normalized_text,
                                  const std::string& language) const {
  require_valid_utf8(normalized_text, "text");
  const std::string code = canonical_language(language);
  // Python's str.lower() then unicodedata.normalize("NFKD", ...).
  std::string text = text::normalize(full_lower(normalized_text), NormalForm::kNFKD);
  text = language_step(text, code);
  if (!code.empty()) text = "[" + code + "]" + text;
  return text;
}

std::vector<int64_t> MtlTokenizer::encode(const std::string& normalized_text,
                                          const std::string& language) const {
  return tokenizer_.encode(replace_spaces_with_space_token(prepare(normalized_text, language)));
}

std::string MtlTokenizer::decode(const std::vector<int64_t>& ids) const {
  return decode_grapheme_ids(tokenizer_, ids);
}

}  // namespace chatterbox::text
