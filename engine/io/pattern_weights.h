#pragma once
// Pattern weights (goldens/PATTERN.md): every tensor of a checkpoint is a pure function of its
// state-dict key and shape, so a full-size model can be rebuilt anywhere without weight files
// and compared number for number with the reference.

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace chatterbox::io {

uint64_t fnv1a64(const std::string& bytes);

// The k-th uniform in [0, 1) of the stream seeded by `name_hash`.
float pattern_uniform(uint64_t name_hash, uint64_t k);

// The pattern tensor for `name` with `shape` (float32; integer dtypes give zeros).
torch::Tensor pattern_tensor(const std::string& name, const std::vector<int64_t>& shape,
                             torch::ScalarType dtype = torch::kFloat32);

// True for buffers the model computes itself, which the pattern rule does not fill.
bool is_computed_buffer(const std::string& name);

}  // namespace chatterbox::io
