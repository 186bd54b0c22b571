#pragma once
// The Hugging Face tokenizers pre-tokenizers this engine supports: they cut a text segment
// (between added tokens) into the words that BPE then encodes one by one.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace chatterbox::text {

class PreTokenizer {
 public:
  enum class Kind {
    kNone,             // the whole segment is one word
    kWhitespace,       // regex \w+|[^\w\s]+ (Rust regex classes); whitespace dropped
    kWhitespaceSplit,  // split on White_Space runs
    kByteLevel,        // GPT-2 regex split, then bytes -> printable characters
    kSequence,         // each step applied to the pieces of the previous one
  };

  // From the "pre_tokenizer" entry of a tokenizer.json (null gives kNone); anything else
  // throws Error(kUnsupported) naming it.
  static PreTokenizer from_json(const nlohmann::json& config);
  static PreTokenizer byte_level(bool add_prefix_space, bool use_regex = true);

  Kind kind() const { return kind_; }
  std::vector<std::string> split(const std::string& segment) const;

 private:
  Kind kind_ = Kind::kNone;
  bool add_prefix_space_ = false;
  bool use_regex_ = true;
  std::vector<PreTokenizer> steps_;
};

// The GPT-2 pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// matched left to right as a backtracking engine (Oniguruma) does. Exposed for tests.
std::vector<std::string> gpt2_regex_split(const std::string& utf8);

// \w+|[^\w\s]+ as the Whitespace pre-tokenizer applies it. Exposed for tests.
std::vector<std::string> whitespace_regex_split(const std::string& utf8);

}  // namespace chatterbox::text
