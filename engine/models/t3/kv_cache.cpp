#include "engine/models/t3/kv_cache.h"

#include <algorithm>

#include "engine/common/error.h"

namespace chatterbox::models::t3 {

KVCache::KVCache(int64_t layers, int64_t batch, int64_t heads, int64_t head_dim,
                 torch::TensorOptions options, int64_t initial_capacity)
    : batch_(batch), heads_(heads), head_dim_(head_dim), options_(options) {
  keys_.resize(static_cast<size_t>(layers));
  values_.resize(static_cast<size_t>(layers));
  reserve(std::max<int64_t>(initial_capacity, 1));
}

void KVCache::reserve(int64_t needed) {
  if (needed <= capacity_) return;
  int64_t grown = std::max(needed, 2 * capacity_);
  for (size_t i = 0; i < keys_.size(); ++i) {
    auto k = torch::empty({batch_, heads_, grown, head_dim_}, options_);
    auto v = torch::empty({batch_, heads_, grown, head_dim_}, options_);
    if (length_ > 0) {
      k.narrow(2, 0, length_).copy_(keys_[i].narrow(2, 0, length_));
      v.narrow(2, 0, length_).copy_(values_[i].narrow(2, 0, length_));
    }
    keys_[i] = k;
    values_[i] = v;
  }
  capacity_ = grown;
}

std::pair<torch::Tensor, torch::Tensor> KVCache::append(int64_t layer, const torch::Tensor& k,
                                                        const torch::Tensor& v) {
  if (layer < 0 || layer >= static_cast<int64_t>(keys_.size()))
    fail(ErrorCode::kInternal, "KV cache layer index out of range");
  if (k.size(0) != batch_ || k.size(1) != heads_ || k.size(3) != head_dim_)
    fail(ErrorCode::kInternal, "KV cache append with a mismatched shape");
  const int64_t steps = k.size(2);
  reserve(length_ + steps);
  auto& keys = keys_[static_cast<size_t>(layer)];
  auto& values = values_[static_cast<size_t>(layer)];
  keys.narrow(2, length_, steps).copy_(k);
  values.narrow(2, length_, steps).copy_(v);
  return {keys.narrow(2, 0, length_ + steps), values.narrow(2, 0, length_ + steps)};
}

void KVCache::commit(int64_t steps) {
  length_ += steps;
}

void KVCache::select_rows(const torch::Tensor& rows) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    keys_[i] = keys_[i].index_select(0, rows.to(keys_[i].device()));
    values_[i] = values_[i].index_select(0, rows.to(values_[i].device()));
  }
  batch_ = rows.size(0);
}

}  // namespace chatterbox::models::t3
