#pragma once
// The original English front end (EnTokenizer): spaces become [SPACE] tokens, then the
// character BPE of tokenizer.json; no lower-casing, no Unicode normalisation.

#include <string>
#include <vector>

#include "engine/text/hf_tokenizer.h"
#include "engine/text/text_tokenizer.h"

namespace chatterbox::text {

class EnTokenizer : public TextTokenizer {
 public:
  // Throws Error(kCorruptData) when [START] or [STOP] is missing from the vocabulary.
  explicit EnTokenizer(HfTokenizer tokenizer);
  static EnTokenizer from_file(const std::string& tokenizer_json);

  TextVariant variant() const override { return TextVariant::kOriginal; }
  std::string normalize(const std::string& text) const override;
  std::vector<int64_t> encode(const std::string& normalized_text,
                              const std::string& language) const override;
  std::string decode(const std::vector<int64_t>& ids) const override;

  const HfTokenizer& tokenizer() const { return tokenizer_; }

 protected:
  bool wraps_with_start_stop() const override { return true; }

 private:
  HfTokenizer tokenizer_;
};

// Shared by the English and multilingual front ends.
void require_start_stop_tokens(const HfTokenizer& tokenizer, const std::string& origin);
std::string replace_spaces_with_space_token(const std::string& text);
// decode(ids, skip_special_tokens=False), then drop the decoder's separators, turn [SPACE]
// back into spaces and delete [STOP] and [UNK].
std::string decode_grapheme_ids(const HfTokenizer& tokenizer, const std::vector<int64_t>& ids);

}  // namespace chatterbox::text
