#pragma once
// A BPE model as Hugging Face tokenizers runs it: a word starts as one symbol per character
// (unknown characters become the unk token, or are dropped when there is none), then the
// adjacent pair with the lowest merge rank, leftmost first, is merged until none applies.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace chatterbox::text {

class BpeModel {
 public:
  struct Options {
    std::optional<std::string> unk_token;
    bool fuse_unk = false;
    bool ignore_merges = false;  // a word that is itself in the vocabulary is not split
  };

  // Throws Error(kCorruptData) when a merge's parts or result are not in the vocabulary
  // (tokenize throws it when an unknown character needs an unk token the vocabulary lacks).
  BpeModel(std::unordered_map<std::string, int64_t> vocab,
           const std::vector<std::pair<std::string, std::string>>& merges, Options options);

  std::vector<int64_t> tokenize(const std::string& word) const;

  std::optional<int64_t> token_to_id(const std::string& token) const;
  const std::string* id_to_token(int64_t id) const;
  size_t vocab_size() const { return vocab_.size(); }

 private:
  struct Merge {
    int32_t rank;
    int64_t result;
  };
  static uint64_t pair_key(int64_t a, int64_t b) {
    return (static_cast<uint64_t>(a) << 32) | static_cast<uint32_t>(b);
  }
  std::vector<int64_t> initial_symbols(const std::string& word) const;
  void apply_merges(std::vector<int64_t>& symbols) const;

  std::unordered_map<std::string, int64_t> vocab_;
  std::unordered_map<int64_t, std::string> tokens_by_id_;
  std::unordered_map<uint64_t, Merge> merges_;
  Options options_;
  std::optional<int64_t> unk_id_;
};

}  // namespace chatterbox::text
