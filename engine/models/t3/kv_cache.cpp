#include "engine/models/t3/kv_cache.h"

#include <algorithm>
#include <string>

#include "engine/common/error.h"

namespace chatterbox::models::t3 {

CacheSpan CacheSpan::uniform(int64_t first_row, int64_t rows, int64_t start, int64_t steps) {
  CacheSpan span;
  span.first_row = first_row;
  span.starts.assign(static_cast<size_t>(rows), start);
  span.lengths.assign(static_cast<size_t>(rows), steps);
  return span;
}

int64_t CacheSpan::key_length() const {
  int64_t end = 0;
  for (size_t i = 0; i < starts.size(); ++i) end = std::max(end, starts[i] + lengths[i]);
  return end;
}

bool CacheSpan::is_uniform(int64_t steps) const {
  for (size_t i = 0; i < starts.size(); ++i)
    if (starts[i] != starts[0] || lengths[i] != steps) return false;
  return true;
}

KVCache::KVCache(int64_t layers, int64_t rows, int64_t heads, int64_t head_dim, int64_t capacity,
                 torch::TensorOptions options)
    : rows_(rows), heads_(heads), head_dim_(head_dim), capacity_(capacity) {
  if (rows < 1 || capacity < 1)
    fail(ErrorCode::kInvalidArgument, "a KV cache needs at least one row and one position");
  for (int64_t i = 0; i < layers; ++i) {
    // Zeros, not empty: masked-out slots still meet a zero probability in attention, and
    // 0 * NaN would poison the row.
    keys_.push_back(torch::zeros({rows, heads, capacity, head_dim}, options));
    values_.push_back(torch::zeros({rows, heads, capacity, head_dim}, options));
  }
}

int64_t KVCache::bytes() const {
  int64_t total = 0;
  for (size_t i = 0; i < keys_.size(); ++i)
    total += 2 * keys_[i].numel() * static_cast<int64_t>(keys_[i].element_size());
  return total;
}

KVCache::Window KVCache::window(const CacheSpan& span, int64_t steps) const {
  const int64_t b = span.rows();
  if (static_cast<int64_t>(span.lengths.size()) != b || b < 1)
    fail(ErrorCode::kInternal, "KV cache span without rows");
  Window w;
  w.first_row = span.first_row;
  w.rows = b;
  w.steps = steps;
  w.uniform = span.is_uniform(steps);
  w.end_position = *std::max_element(span.starts.begin(), span.starts.end()) + steps;
  w.key_length = std::max(span.key_length(), w.end_position);
  if (w.uniform) {
    w.start = span.starts[0];
  } else {
    const auto device = keys_.front().device();
    auto longs = torch::TensorOptions().dtype(torch::kLong);
    w.row_index = torch::arange(span.first_row, span.first_row + b, longs).unsqueeze(1).to(device);
    auto starts = torch::tensor(span.starts, longs).unsqueeze(1);
    w.position_index = (starts + torch::arange(steps, longs).unsqueeze(0)).to(device);
    w.key_end =
        (starts + torch::tensor(span.lengths, longs).unsqueeze(1)).view({b, 1, 1}).to(device);
  }
  check(w);
  return w;
}

KVCache::Window KVCache::step_window(int64_t first_row, const torch::Tensor& positions,
                                     int64_t key_length, int64_t end_position) const {
  Window w;
  w.first_row = first_row;
  w.rows = positions.size(0);
  w.steps = 1;
  w.key_length = key_length;
  w.end_position = end_position;
  w.uniform = false;
  auto longs = torch::TensorOptions().dtype(torch::kLong).device(positions.device());
  w.row_index = torch::arange(first_row, first_row + w.rows, longs).unsqueeze(1);
  w.position_index = positions.view({w.rows, 1});
  w.key_end = (positions + 1).view({w.rows, 1, 1});
  check(w);
  return w;
}

void KVCache::check(const Window& w) const {
  if (w.rows < 1 || w.first_row < 0 || w.first_row + w.rows > rows_)
    fail(ErrorCode::kInternal, "KV cache span outside the cache");
  if (w.key_length > capacity_ || w.end_position > capacity_)
    fail(ErrorCode::kResourceExhausted,
         "sequence of " + std::to_string(std::max(w.key_length, w.end_position)) +
             " positions exceeds the KV cache's " + std::to_string(capacity_));
}

std::pair<torch::Tensor, torch::Tensor> KVCache::write(int64_t layer, const torch::Tensor& k,
                                                       const torch::Tensor& v,
                                                       const Window& window) {
  if (layer < 0 || layer >= static_cast<int64_t>(keys_.size()))
    fail(ErrorCode::kInternal, "KV cache layer index out of range");
  const int64_t b = window.rows, t = window.steps;
  if (k.size(0) != b || k.size(1) != heads_ || k.size(2) != t || k.size(3) != head_dim_)
    fail(ErrorCode::kInternal, "KV cache write with a mismatched shape");
  auto rows_of = [&](torch::Tensor& all) { return all.narrow(0, window.first_row, b); };
  auto& keys = keys_[static_cast<size_t>(layer)];
  auto& values = values_[static_cast<size_t>(layer)];
  if (window.uniform) {
    rows_of(keys).narrow(2, window.start, t).copy_(k);
    rows_of(values).narrow(2, window.start, t).copy_(v);
  } else {
    // (B, T) row and position indices around the head axis: keys[row, :, pos, :] = k[b, :, t, :].
    using torch::indexing::Slice;
    auto rows = window.row_index.expand({b, t});
    keys.index_put_({rows, Slice(), window.position_index}, k.permute({0, 2, 1, 3}));
    values.index_put_({rows, Slice(), window.position_index}, v.permute({0, 2, 1, 3}));
  }
  return {rows_of(keys).narrow(2, 0, window.key_length),
          rows_of(values).narrow(2, 0, window.key_length)};
}

int64_t KVPrefix::bytes() const {
  int64_t total = 0;
  for (size_t i = 0; i < keys.size(); ++i)
    total += (keys[i].numel() + values[i].numel()) * static_cast<int64_t>(keys[i].element_size());
  return total;
}

KVPrefix KVCache::read_prefix(int64_t first_row, int64_t rows, int64_t length) const {
  if (first_row < 0 || first_row + rows > rows_ || length < 0 || length > capacity_)
    fail(ErrorCode::kInternal, "KV cache prefix outside the cache");
  KVPrefix prefix;
  prefix.rows = rows;
  prefix.length = length;
  for (size_t i = 0; i < keys_.size(); ++i) {
    prefix.keys.push_back(block(keys_[i], first_row, rows, length).clone());
    prefix.values.push_back(block(values_[i], first_row, rows, length).clone());
  }
  return prefix;
}

void KVCache::write_prefix(int64_t first_row, const KVPrefix& prefix) {
  if (first_row < 0 || first_row + prefix.rows > rows_ || prefix.length > capacity_ ||
      prefix.keys.size() != keys_.size())
    fail(ErrorCode::kInternal, "KV cache prefix does not fit the cache");
  for (size_t i = 0; i < keys_.size(); ++i) {
    block(keys_[i], first_row, prefix.rows, prefix.length).copy_(prefix.keys[i]);
    block(values_[i], first_row, prefix.rows, prefix.length).copy_(prefix.values[i]);
  }
}

void KVCache::copy_row(int64_t from, int64_t to, int64_t length) {
  if (from == to || length <= 0) return;
  for (size_t i = 0; i < keys_.size(); ++i) {
    block(keys_[i], to, 1, length).copy_(block(keys_[i], from, 1, length));
    block(values_[i], to, 1, length).copy_(block(values_[i], from, 1, length));
  }
}

torch::Tensor KVCache::block(const torch::Tensor& layer, int64_t first_row, int64_t rows,
                             int64_t length) {
  return layer.narrow(0, first_row, rows).narrow(2, 0, length);
}

}  // namespace chatterbox::models::t3
