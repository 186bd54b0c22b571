#pragma once
// A linear layer's weight as int8, one float32 scale per output row (symmetric: the row's
// largest magnitude maps to 127), for T3's decode steps on the CPU. Such a step multiplies one
// or two rows by every weight once, so it is bound by the bytes it reads: int8 reads a quarter
// of float32's. The products accumulate in float32 over float32 activations; only the weights
// are rounded (at most half a step of 1/127 of the row's largest weight).

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace chatterbox::models::t3 {

class Int8Rows {
 public:
  static constexpr int64_t kMaxRows = 2;

  Int8Rows() = default;
  // weight: float32 (out, in), any layout.
  static Int8Rows quantize(const torch::Tensor& weight);
  // The parts' rows one after another: what quantize() gives for their concatenated weights,
  // since each row keeps its own scale.
  static Int8Rows stacked(const std::vector<const Int8Rows*>& parts);

  bool defined() const { return values_.defined(); }
  // The weight as float32 again (what times() multiplies by).
  torch::Tensor dequantized() const;

  // x (..., in) of at most kMaxRows rows, float32 on the CPU; bias (out) or undefined.
  // Returns x W^T + bias, (..., out).
  torch::Tensor times(const torch::Tensor& x, const torch::Tensor& bias) const;

 private:
  torch::Tensor values_;  // int8 (out, in), contiguous
  torch::Tensor scales_;  // float32 (out)
};

}  // namespace chatterbox::models::t3
