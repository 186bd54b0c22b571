#pragma once
// Key/value cache of a decoder for a batch of sequences.
//
// Layout per layer: keys and values of shape (B, heads, capacity, head_dim), filled along the
// time axis; every row of the batch shares the same time axis. Sequences of different lengths
// share a batch by padding: the caller passes per-row positions (RoPE / wpe indices) and a key
// mask of shape (B, length) that marks the padded slots, which attention then ignores (see
// Backbone::forward). A scheduler that joins a request later left-pads it so that all rows end
// at the same slot; rows that finish keep decoding into masked slots until the batch is rebuilt.
// Storage grows by doubling, so appending one token costs no copy of the history.

#include <torch/torch.h>

#include <utility>
#include <vector>

namespace chatterbox::models::t3 {

class KVCache {
 public:
  KVCache(int64_t layers, int64_t batch, int64_t heads, int64_t head_dim,
          torch::TensorOptions options, int64_t initial_capacity = 256);

  int64_t batch() const { return batch_; }
  int64_t length() const { return length_; }  // committed time steps
  int64_t capacity() const { return capacity_; }

  // Writes k, v (B, heads, T, head_dim) of `layer` at [length, length + T) and returns views
  // of all keys and values of that layer up to length + T. Call commit(T) once every layer
  // has appended its T steps.
  std::pair<torch::Tensor, torch::Tensor> append(int64_t layer, const torch::Tensor& k,
                                                 const torch::Tensor& v);
  void commit(int64_t steps);

  // Keeps only batch rows `rows` (int64 indices), e.g. when sequences leave the batch.
  void select_rows(const torch::Tensor& rows);

 private:
  void reserve(int64_t needed);

  int64_t batch_;
  int64_t heads_;
  int64_t head_dim_;
  int64_t length_ = 0;
  int64_t capacity_ = 0;
  torch::TensorOptions options_;
  std::vector<torch::Tensor> keys_;
  std::vector<torch::Tensor> values_;
};

}  // namespace chatterbox::models::t3
