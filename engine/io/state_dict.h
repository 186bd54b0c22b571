#pragma once
// A checkpoint's tensors by state-dict key, with lookups that say exactly which key is missing
// or has the wrong shape. Model loaders take their weights from here.

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace chatterbox::io {

class StateDict {
 public:
  StateDict() = default;
  explicit StateDict(std::string origin) : origin_(std::move(origin)) {}

  // Reads a .safetensors file (mapped, no copy) or a torch.save .pt archive (on the CPU).
  static StateDict load(const std::string& path);

  const std::string& origin() const { return origin_; }
  void insert(const std::string& key, torch::Tensor value);
  bool contains(const std::string& key) const { return tensors_.count(key) != 0; }
  size_t size() const { return tensors_.size(); }
  std::vector<std::string> keys() const;
  const std::map<std::string, torch::Tensor>& tensors() const { return tensors_; }

  // The tensor under `key`; throws kCorruptData naming the checkpoint and key when it is
  // missing or, if `shape` is given, when its shape differs.
  torch::Tensor get(const std::string& key, const std::vector<int64_t>& shape = {}) const;
  // Keys starting with `prefix`, with the prefix removed.
  StateDict sub(const std::string& prefix) const;

 private:
  std::string origin_;
  std::map<std::string, torch::Tensor> tensors_;
};

std::string shape_string(c10::IntArrayRef shape);

}  // namespace chatterbox::io
