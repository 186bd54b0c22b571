#pragma once
// The multilingual front end (MTLTokenizer): full lower-casing, NFKD, a language-specific
// step, the [xx] language tag, [SPACE] tokens, then the grapheme BPE.
//
// Language steps, as the reference behaves in a default install:
// - ko: Hangul syllables split into conjoining jamo, then whitespace trimmed at both ends;
// - he, ru: pass-through (their optional Python packages are not installed by default);
// - zh: Cangjie coding with Cangjie5_TC.json when the checkpoint has it, else kNotFound. The
//   pkuseg word segmentation is not available: the text is coded unsegmented, as the
//   reference does when spacy-pkuseg is not installed;
// - ja: refused (kUnsupported): pykakasi's dictionaries are not available.

#include <optional>
#include <string>
#include <vector>

#include "engine/text/cangjie.h"
#include "engine/text/hf_tokenizer.h"
#include "engine/text/text_tokenizer.h"

namespace chatterbox::text {

class MtlTokenizer : public TextTokenizer {
 public:
  // `cangjie` is nullopt when the checkpoint has no Cangjie5_TC.json; `origin` names the
  // checkpoint directory in error messages.
  MtlTokenizer(HfTokenizer tokenizer, std::optional<CangjieTable> cangjie, std::string origin);
  // The vocabulary JSON and, if the path is non-empty and exists, the Cangjie table.
  static MtlTokenizer from_files(const std::string& vocab_json, const std::string& cangjie_json);

  TextVariant variant() const override { return TextVariant::kMultilingual; }
  std::string normalize(const std::string& text) const override;
  // `language` is checked against supported_languages() (case-insensitive; kInvalidArgument
  // otherwise); empty means no language tag and no language step.
  std::vector<int64_t> encode(const std::string& normalized_text,
                              const std::string& language) const override;
  std::string decode(const std::vector<int64_t>& ids) const override;

  // The string handed to the BPE tokenizer (after every text step, before [SPACE]).
  std::string prepare(const std::string& normalized_text, const std::string& language) const;

  const HfTokenizer& tokenizer() const { return tokenizer_; }

 protected:
  bool wraps_with_start_stop() const override { return true; }

 private:
  std::string language_step(const std::string& text, const std::string& language) const;

  HfTokenizer tokenizer_;
  std::optional<CangjieTable> cangjie_;
  std::string origin_;
};

// Korean step: every code point in U+AC00..U+D7AF split by the Hangul formula into
// U+1100+L, U+1161+V and (if any) U+11A7+T, then Python-whitespace trimmed at both ends.
std::string decompose_hangul(const std::string& text);

}  // namespace chatterbox::text
