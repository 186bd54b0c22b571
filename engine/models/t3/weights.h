#pragma once
// Small weight holders for the T3 modules: tensors taken from a checkpoint by key with their
// expected shapes (no copy when the checkpoint already lives on the target device).

#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/io/state_dict.h"
#include "engine/models/t3/int8_rows.h"

namespace chatterbox::models::t3 {

// Reads tensors under a key prefix, checks shapes, moves them to `device` as `dtype` (float32
// unless the model runs in reduced precision). With int8 rows, the linear layers it loads also
// keep an int8 copy of their weights for the CPU's one- and two-row products (int8_rows.h).
class WeightReader {
 public:
  WeightReader(const io::StateDict& dict, torch::Device device, std::string prefix = "",
               torch::ScalarType dtype = torch::kFloat32, bool int8_rows = false)
      : dict_(dict),
        device_(device),
        prefix_(std::move(prefix)),
        dtype_(dtype),
        int8_rows_(int8_rows) {}

  torch::Tensor get(const std::string& key, const std::vector<int64_t>& shape) const;
  WeightReader under(const std::string& prefix) const {
    return WeightReader(dict_, device_, prefix_ + prefix, dtype_, int8_rows_);
  }
  // The same keys read in float32 (norms keep full precision in a reduced-precision model).
  WeightReader full_precision() const { return WeightReader(dict_, device_, prefix_); }
  torch::Device device() const { return device_; }
  torch::ScalarType dtype() const { return dtype_; }
  bool int8_rows() const { return int8_rows_; }

 private:
  const io::StateDict& dict_;
  torch::Device device_;
  std::string prefix_;
  torch::ScalarType dtype_;
  bool int8_rows_;
};

// nn.Linear: weight [out, in], optional bias.
struct Linear {
  torch::Tensor weight;
  torch::Tensor bias;
  Int8Rows int8;  // with a reader's int8 rows: what one or two CPU rows are multiplied by
  static Linear load(const WeightReader& w, int64_t in, int64_t out, bool with_bias);
  torch::Tensor operator()(const torch::Tensor& x) const;
};

// HF GPT-2 Conv1D: weight stored [in, out], y = x W + b.
struct Conv1D {
  torch::Tensor weight;
  torch::Tensor bias;
  Int8Rows int8;  // of the weight as (out, in), as Linear's
  static Conv1D load(const WeightReader& w, int64_t in, int64_t out);
  torch::Tensor operator()(const torch::Tensor& x) const;
};

// nn.LayerNorm with affine weight and bias, computed in float32 whatever the input's dtype
// (returned in the input's dtype).
struct LayerNorm {
  torch::Tensor weight;
  torch::Tensor bias;
  double eps = 1e-5;
  static LayerNorm load(const WeightReader& w, int64_t dim, double eps);
  torch::Tensor operator()(const torch::Tensor& x) const;
};

}  // namespace chatterbox::models::t3
