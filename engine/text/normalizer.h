#pragma once
// The Hugging Face tokenizers normalizers this engine supports (applied to the text between
// added tokens before pre-tokenisation).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chatterbox::text {

class Normalizer {
 public:
  enum class Step { kNFC, kNFD, kNFKC, kNFKD, kLowercase };

  // From the "normalizer" entry of a tokenizer.json: null, NFC, NFD, NFKC, NFKD, Lowercase
  // or a Sequence of these; anything else throws Error(kUnsupported) naming it.
  static Normalizer from_json(const nlohmann::json& config);

  bool empty() const { return steps_.empty(); }
  std::string apply(const std::string& text) const;

 private:
  void add(const nlohmann::json& config);
  std::vector<Step> steps_;
};

}  // namespace chatterbox::text
