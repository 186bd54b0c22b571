#include "engine/models/t3/prefix_cache.h"

#include <algorithm>
#include <utility>

namespace chatterbox::models::t3 {

const KVPrefix* PrefixCache::find(const torch::Tensor& conditioning) {
  for (auto& e : entries_) {
    if (e.conditioning.sizes() != conditioning.sizes() ||
        e.conditioning.scalar_type() != conditioning.scalar_type() ||
        !torch::equal(e.conditioning, conditioning))
      continue;
    e.last_used = ++clock_;
    ++hits_;
    return &e.prefix;
  }
  return nullptr;
}

void PrefixCache::insert(const torch::Tensor& conditioning, KVPrefix prefix) {
  if (capacity_ == 0) return;
  if (entries_.size() == capacity_) {
    auto oldest =
        std::min_element(entries_.begin(), entries_.end(),
                         [](const auto& a, const auto& b) { return a.last_used < b.last_used; });
    entries_.erase(oldest);
  }
  entries_.push_back(Entry{conditioning.clone(), std::move(prefix), ++clock_});
}

int64_t PrefixCache::bytes() const {
  int64_t total = 0;
  for (const auto& e : entries_) total += e.prefix.bytes();
  return total;
}

}  // namespace chatterbox::models::t3
