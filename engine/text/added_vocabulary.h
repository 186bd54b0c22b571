#pragma once
// Added tokens of a Hugging Face tokenizer: literal strings (control tokens, language tags,
// paralinguistic tags) that are cut out of the text before pre-tokenisation and map to one
// id each. Matching is leftmost-longest, in two passes as tokenizers does: first the tokens
// flagged normalized=false on the raw text, then the normalized=true ones on the rest.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace chatterbox::text {

struct AddedToken {
  std::string content;
  int64_t id = 0;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
  bool special = false;
};

// A piece of the input: either an added token (its id) or text left for the model.
struct Segment {
  std::string text;
  std::optional<int64_t> token_id;
};

class AddedVocabulary {
 public:
  // Later tokens with the same content replace earlier ones.
  void add(const AddedToken& token);

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  std::optional<int64_t> token_to_id(const std::string& content) const;
  const AddedToken* find_id(int64_t id) const;

  // Splits `text` on the tokens with the given `normalized` flag; `text` is not a token.
  std::vector<Segment> split(const std::string& text, bool normalized) const;

 private:
  const AddedToken* longest_match_at(const std::string& text, size_t pos, bool normalized) const;

  std::vector<AddedToken> tokens_;
  std::unordered_map<std::string, size_t> by_content_;
  std::unordered_map<int64_t, size_t> by_id_;
};

}  // namespace chatterbox::text
