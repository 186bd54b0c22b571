#include "engine/text/bpe_model.h"

#include <limits>

#include "engine/common/error.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {

BpeModel::BpeModel(std::unordered_map<std::string, int64_t> vocab,
                   const std::vector<std::pair<std::string, std::string>>& merges, Options options)
    : vocab_(std::move(vocab)), options_(std::move(options)) {
  for (const auto& [token, id] : vocab_) {
    if (id < 0 || id > std::numeric_limits<int32_t>::max()) {
      fail(ErrorCode::kCorruptData, "BPE vocabulary id out of range for '" + token + "'");
    }
    tokens_by_id_[id] = token;
  }
  const auto lookup = [&](const std::string& token, const char* role) {
    auto it = vocab_.find(token);
    if (it == vocab_.end()) {
      fail(ErrorCode::kCorruptData,
           std::string("BPE merge ") + role + " '" + token + "' is not in the vocabulary");
    }
    return it->second;
  };
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto& [a, b] = merges[rank];
    const int64_t left = lookup(a, "part"), right = lookup(b, "part");
    const int64_t result = lookup(a + b, "result");
    // As in tokenizers, a repeated pair takes its last rank.
    merges_[pair_key(left, right)] = Merge{static_cast<int32_t>(rank), result};
  }
  if (options_.unk_token) unk_id_ = token_to_id(*options_.unk_token);
}

std::optional<int64_t> BpeModel::token_to_id(const std::string& token) const {
  auto it = vocab_.find(token);
  if (it == vocab_.end()) return std::nullopt;
  return it->second;
}

const std::string* BpeModel::id_to_token(int64_t id) const {
  auto it = tokens_by_id_.find(id);
  return it == tokens_by_id_.end() ? nullptr : &it->second;
}

std::vector<int64_t> BpeModel::initial_symbols(const std::string& word) const {
  std::vector<int64_t> symbols;
  bool previous_unknown = false;
  for (size_t pos = 0; pos < word.size();) {
    const size_t n = utf8_sequence_length(static_cast<unsigned char>(word[pos]));
    auto it = vocab_.find(word.substr(pos, n));
    pos += n;
    if (it != vocab_.end()) {
      symbols.push_back(it->second);
      previous_unknown = false;
    } else if (options_.unk_token) {
      if (!unk_id_) {
        fail(ErrorCode::kCorruptData,
             "BPE unk token '" + *options_.unk_token + "' is not in the vocabulary");
      }
      if (!(options_.fuse_unk && previous_unknown)) symbols.push_back(*unk_id_);
      previous_unknown = true;
    }
  }
  return symbols;
}

void BpeModel::apply_merges(std::vector<int64_t>& symbols) const {
  while (symbols.size() > 1) {
    size_t best_pos = 0;
    const Merge* best = nullptr;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      auto it = merges_.find(pair_key(symbols[i], symbols[i + 1]));
      if (it != merges_.end() && (best == nullptr || it->second.rank < best->rank)) {
        best = &it->second;
        best_pos = i;
      }
    }
    if (best == nullptr) return;
    symbols[best_pos] = best->result;
    symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best_pos) + 1);
  }
}

std::vector<int64_t> BpeModel::tokenize(const std::string& word) const {
  if (word.empty()) return {};
  if (options_.ignore_merges) {
    if (auto id = token_to_id(word)) return {*id};
  }
  std::vector<int64_t> symbols = initial_symbols(word);
  apply_merges(symbols);
  return symbols;
}

}  // namespace chatterbox::text
