#pragma once
// The keys and values of a decoder, preallocated once for a fixed number of rows (sequences)
// and positions, so that nothing grows while decoding (a step keeps static shapes).
//
// Storage per layer: (rows, heads, capacity, head_dim), zero-filled. Each row holds one
// sequence at positions [0, length); the caller keeps the lengths. A forward pass covers a
// contiguous range of rows (a CacheSpan) and writes its new steps at each row's own start, so
// rows of different lengths decode together: attention masks come from the starts and lengths.

#include <torch/torch.h>

#include <utility>
#include <vector>

namespace chatterbox::models::t3 {

// The keys and values of some rows over their first positions, per layer (rows, heads, length,
// head_dim): what a request's conditioning leaves in the cache (prefix_cache.h).
struct KVPrefix {
  std::vector<torch::Tensor> keys, values;
  int64_t rows = 0;
  int64_t length = 0;
  int64_t bytes() const;
};

// The rows one forward pass covers and where their new steps go.
struct CacheSpan {
  int64_t first_row = 0;
  std::vector<int64_t> starts;   // per row: positions already cached
  std::vector<int64_t> lengths;  // per row: real steps among the T given; the rest is padding

  // Rows [first_row, first_row + starts.size()), every one starting at `start` with all T real.
  static CacheSpan uniform(int64_t first_row, int64_t rows, int64_t start, int64_t steps);
  int64_t rows() const { return static_cast<int64_t>(starts.size()); }
  // Keys a query of this pass may see: [0, max_i(start_i + length_i)).
  int64_t key_length() const;
  // True when every row starts at the same position and has all T steps real: no mask needed
  // beyond causality.
  bool is_uniform(int64_t steps) const;
};

class KVCache {
 public:
  KVCache(int64_t layers, int64_t rows, int64_t heads, int64_t head_dim, int64_t capacity,
          torch::TensorOptions options);

  int64_t rows() const { return rows_; }
  int64_t capacity() const { return capacity_; }
  int64_t bytes() const;

  // Where one forward pass writes and what it attends: rows [first_row, first_row + B), T steps
  // each. A uniform window writes every row at the same positions with no padding (a plain
  // copy; one step of it needs no mask); otherwise the device index tensors say where.
  struct Window {
    int64_t first_row = 0;
    int64_t rows = 0;
    int64_t steps = 0;
    int64_t key_length = 0;    // keys [0, key_length) are read
    int64_t end_position = 0;  // a bound on every position written, plus one
    bool uniform = true;
    int64_t start = 0;             // when uniform
    torch::Tensor row_index;       // (B, 1) absolute rows, when not uniform
    torch::Tensor position_index;  // (B, T) absolute positions, when not uniform
    torch::Tensor key_end;         // (B, 1, 1): keys at or past it are padding, when not uniform
  };
  Window window(const CacheSpan& span, int64_t steps) const;
  // One step for rows [first_row, first_row + B) at `positions` (B,) int64 on the cache's
  // device, without reading them on the host: what a step captured as a graph needs. Reads
  // keys [0, key_length); end_position bounds the positions for the caller's checks.
  Window step_window(int64_t first_row, const torch::Tensor& positions, int64_t key_length,
                     int64_t end_position) const;

  // Writes k, v (B, heads, T, head_dim) of `layer` at each row's start and returns views of
  // the keys and values of the span's rows over [0, key_length).
  std::pair<torch::Tensor, torch::Tensor> write(int64_t layer, const torch::Tensor& k,
                                                const torch::Tensor& v, const Window& window);

  // Copies of rows [first_row, first_row + rows) over positions [0, length).
  KVPrefix read_prefix(int64_t first_row, int64_t rows, int64_t length) const;
  // Puts `prefix` back at rows [first_row, first_row + prefix.rows), positions [0, length).
  void write_prefix(int64_t first_row, const KVPrefix& prefix);

  // Copies the first `length` positions of row `from` to row `to` (slot compaction).
  void copy_row(int64_t from, int64_t to, int64_t length);

 private:
  void check(const Window& window) const;
  // Rows [first_row, first_row + rows) over positions [0, length) of one layer's keys or values.
  static torch::Tensor block(const torch::Tensor& layer, int64_t first_row, int64_t rows,
                             int64_t length);

  int64_t rows_;
  int64_t heads_;
  int64_t head_dim_;
  int64_t capacity_;
  std::vector<torch::Tensor> keys_;
  std::vector<torch::Tensor> values_;
};

}  // namespace chatterbox::models::t3
