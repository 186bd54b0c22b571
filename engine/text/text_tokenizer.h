#pragma once
// The text front end of each model variant behind one interface: punctuation normalisation,
// tokenisation, and the exact id tensor that variant's T3 receives.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace chatterbox::text {

enum class TextVariant {
  kOriginal,      // English: tokenizer.json, [SPACE] tokens, [START] ... [STOP]
  kMultilingual,  // grapheme_mtl_merged_expanded_v1.json, language tag, lower-case + NFKD
  kTurbo,         // Turbo and Nano: GPT-2 byte-level BPE with paralinguistic tags
};

// T3Config.start_text_token / stop_text_token of the Llama variants.
inline constexpr int64_t kStartTextToken = 255;
inline constexpr int64_t kStopTextToken = 0;

class TextTokenizer {
 public:
  virtual ~TextTokenizer() = default;

  virtual TextVariant variant() const = 0;

  // The variant's punc_norm. Empty text becomes the reference's stock sentence
  // (kEmptyTextReplacement): callers that must not speak it should reject empty text first.
  virtual std::string normalize(const std::string& text) const = 0;

  // The ids the reference's tokenizer gives for already-normalised text, without the T3
  // start/stop tokens. `language` matters only for the multilingual variant (empty: no tag);
  // the other variants ignore it. Invalid UTF-8: Error(kInvalidArgument).
  virtual std::vector<int64_t> encode(const std::string& normalized_text,
                                      const std::string& language) const = 0;

  // The reference's decode (diagnostics; the pipelines never decode text).
  virtual std::string decode(const std::vector<int64_t>& ids) const = 0;

  // What the variant's T3 receives, int64 of shape (1, N) on the CPU: normalize, encode, and
  // for the Llama variants kStartTextToken in front and kStopTextToken at the end. Turbo adds
  // nothing (and truncates at the tokenizer's model_max_length). The pipeline duplicates the
  // row for CFG (multilingual always; English when cfg_weight > 0).
  torch::Tensor text_to_tokens(const std::string& text, const std::string& language) const;

 protected:
  virtual bool wraps_with_start_stop() const = 0;
};

// Loads the variant's tokenizer from a checkpoint directory:
// - kOriginal: tokenizer.json
// - kMultilingual: grapheme_mtl_merged_expanded_v1.json (+ Cangjie5_TC.json if present)
// - kTurbo: tokenizer.json if present, else vocab.json + merges.txt (+ added_tokens.json,
//   special_tokens_map.json, tokenizer_config.json), as AutoTokenizer chooses.
// A missing file is Error(kNotFound).
std::unique_ptr<TextTokenizer> load_text_tokenizer(TextVariant variant,
                                                   const std::string& checkpoint_dir);

}  // namespace chatterbox::text
