#pragma once
// The Turbo / Nano front end: the Turbo punc_norm, then GPT-2 byte-level BPE with the
// paralinguistic tags ([laugh], [sigh], ...) as added tokens. No start/stop tokens.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/text/hf_tokenizer.h"
#include "engine/text/text_tokenizer.h"

namespace chatterbox::text {

class TurboTokenizer : public TextTokenizer {
 public:
  // `max_length`: the tokenizer's model_max_length, applied as truncation=True does.
  TurboTokenizer(HfTokenizer tokenizer, std::optional<size_t> max_length);
  // tokenizer.json when `prefer_tokenizer_json` and present, else the GPT-2 file set;
  // model_max_length from tokenizer_config.json in both cases.
  static TurboTokenizer from_directory(const std::string& directory,
                                       bool prefer_tokenizer_json = true);

  TextVariant variant() const override { return TextVariant::kTurbo; }
  std::string normalize(const std::string& text) const override;
  std::vector<int64_t> encode(const std::string& normalized_text,
                              const std::string& language) const override;
  // decode(ids) with the special tokens kept (<|endoftext|> appears as such).
  std::string decode(const std::vector<int64_t>& ids) const override;

  const HfTokenizer& tokenizer() const { return tokenizer_; }

 protected:
  bool wraps_with_start_stop() const override { return false; }

 private:
  HfTokenizer tokenizer_;
  std::optional<size_t> max_length_;
};

}  // namespace chatterbox::text
