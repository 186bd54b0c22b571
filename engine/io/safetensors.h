#pragma once
// Reading safetensors files through a memory map (tensors view the mapping, no copy) and
// writing them atomically.

#include <torch/torch.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/mapped_file.h"
#include "engine/io/safetensors_header.h"

namespace chatterbox::io {

class SafetensorsFile {
 public:
  // Maps and validates the file; throws chatterbox::Error naming the file on any defect.
  static SafetensorsFile open(const std::string& path);

  const std::string& path() const { return file_->path(); }
  bool contains(const std::string& name) const { return index_.count(name) != 0; }
  std::vector<std::string> keys() const;  // sorted
  const StTensorEntry& entry(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return header_.metadata; }
  // The JSON string in __metadata__["meta"], as the goldens carry it ("{}" if absent).
  std::string meta_json() const;

  // A CPU tensor viewing the mapped bytes (copied only if misaligned). Keeps the mapping alive.
  torch::Tensor tensor(const std::string& name) const;

 private:
  std::shared_ptr<MappedFile> file_;
  StHeader header_;
  std::map<std::string, size_t> index_;
};

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Writes tensors (moved to CPU, made contiguous) to `path` via a temporary file and rename,
// so a reader never sees a half-written file.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Writes a file whose tensors are produced one at a time by `produce(i)` (for specs[i]), so a
// checkpoint larger than memory can be written. Each produced tensor must match its spec.
struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  torch::ScalarType dtype;
};
void save_safetensors_streamed(const std::string& path, const std::vector<TensorSpec>& specs,
                               const std::function<torch::Tensor(size_t)>& produce,
                               const std::map<std::string, std::string>& metadata = {});

torch::ScalarType to_scalar_type(StDType dtype);
StDType to_st_dtype(torch::ScalarType type);

}  // namespace chatterbox::io
