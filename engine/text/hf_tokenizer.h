#pragma once
// A reader and encoder for Hugging Face `tokenizers` files with a BPE model, as used by every
// Chatterbox text front end: added tokens, normalizer, pre-tokenizer (Whitespace, ByteLevel),
// BPE, post-processor, decoder. A component that would change the ids and is not implemented
// makes loading throw Error(kUnsupported) naming it, never a silently different encoding.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/text/added_vocabulary.h"
#include "engine/text/bpe_model.h"
#include "engine/text/normalizer.h"
#include "engine/text/pre_tokenizer.h"

namespace chatterbox::text {

class HfTokenizer {
 public:
  // tokenizer.json. Missing file: kNotFound; malformed JSON or vocabulary: kCorruptData.
  static HfTokenizer from_json_file(const std::string& path);
  static HfTokenizer from_json(const nlohmann::json& config, const std::string& origin);

  // The GPT-2 file set as the Turbo/Nano checkpoints ship it (no tokenizer.json): vocab.json,
  // merges.txt, and when present added_tokens.json, special_tokens_map.json and
  // tokenizer_config.json (add_prefix_space, add_bos_token, added_tokens_decoder). Builds what
  // transformers' GPT-2 fast tokenizer builds from them.
  static HfTokenizer from_gpt2_files(const std::string& directory);

  // tokenizer.encode(text).ids, special tokens of the post-processor included. `text` must be
  // valid UTF-8 (Error(kInvalidArgument) otherwise).
  std::vector<int64_t> encode(const std::string& text) const;

  // tokenizer.decode(ids, skip_special_tokens). An id outside the vocabulary is
  // kInvalidArgument; a decoder this engine does not implement is kUnsupported.
  std::string decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const;

  std::optional<int64_t> token_to_id(const std::string& token) const;
  std::optional<std::string> id_to_token(int64_t id) const;
  // len(tokenizer): distinct ids of the model vocabulary and the added tokens.
  size_t size() const;
  const AddedVocabulary& added_tokens() const { return added_; }

 private:
  enum class DecoderKind { kNone, kByteLevel, kUnsupported };

  HfTokenizer(BpeModel model, AddedVocabulary added, Normalizer normalizer,
              PreTokenizer pre_tokenizer);
  void encode_segment(const std::string& segment, std::vector<int64_t>& ids) const;

  std::shared_ptr<const BpeModel> model_;
  AddedVocabulary added_;
  Normalizer normalizer_;
  PreTokenizer pre_tokenizer_;
  std::vector<int64_t> prefix_ids_, suffix_ids_;  // from the post-processor
  std::optional<size_t> truncation_length_;       // "truncation": max_length
  bool truncate_left_ = false;
  DecoderKind decoder_ = DecoderKind::kNone;
  std::string decoder_name_;
};

}  // namespace chatterbox::text
