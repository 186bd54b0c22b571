#pragma once
// The keys and values a voice's conditioning (speaker embedding, prompt speech tokens, emotion)
// leaves in T3's cache: the first positions of every request in that voice. T3 attends
// causally, so they do not depend on the text that follows, and a request in a voice seen
// before copies them instead of recomputing them (for turbo on two CPU threads, about a second
// of GEMM a request). Entries are found by their conditioning embeddings, compared exactly,
// and the prefix is always computed on its own, so a hit gives the very numbers a miss does.
// The least recently used entry leaves first.

#include <torch/torch.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/models/t3/kv_cache.h"

namespace chatterbox::models::t3 {

class PrefixCache {
 public:
  explicit PrefixCache(size_t capacity) : capacity_(capacity) {}

  // The prefix stored for `conditioning` (rows, P, d) embeddings, or null.
  const KVPrefix* find(const torch::Tensor& conditioning);
  void insert(const torch::Tensor& conditioning, KVPrefix prefix);

  size_t size() const { return entries_.size(); }
  int64_t hits() const { return hits_; }
  int64_t bytes() const;

 private:
  struct Entry {
    torch::Tensor conditioning;
    KVPrefix prefix;
    uint64_t last_used = 0;
  };
  size_t capacity_;
  std::vector<Entry> entries_;
  uint64_t clock_ = 0;
  int64_t hits_ = 0;
};

}  // namespace chatterbox::models::t3
