#include "engine/io/state_dict.h"

#include <sstream>

#include "engine/common/error.h"
#include "engine/common/strings.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_archive.h"

namespace chatterbox::io {

std::string shape_string(c10::IntArrayRef shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i) os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

StateDict StateDict::load(const std::string& path) {
  StateDict dict(path);
  if (ends_with(path, ".safetensors")) {
    SafetensorsFile file = SafetensorsFile::open(path);
    for (const auto& key : file.keys()) dict.insert(key, file.tensor(key));
    return dict;
  }
  for (auto& [key, value] : flatten_tensors(read_torch_archive(path))) dict.insert(key, value);
  return dict;
}

void StateDict::insert(const std::string& key, torch::Tensor value) {
  tensors_[key] = std::move(value);
}

std::vector<std::string> StateDict::keys() const {
  std::vector<std::string> out;
  for (const auto& kv : tensors_) out.push_back(kv.first);
  return out;
}

torch::Tensor StateDict::get(const std::string& key, const std::vector<int64_t>& shape) const {
  auto it = tensors_.find(key);
  if (it == tensors_.end())
    fail(ErrorCode::kCorruptData, "checkpoint " + origin_ + " lacks the key '" + key + "'");
  if (!shape.empty() && it->second.sizes() != c10::IntArrayRef(shape))
    fail(ErrorCode::kCorruptData, "checkpoint " + origin_ + ": key '" + key + "' has shape " +
                                      shape_string(it->second.sizes()) + ", expected " +
                                      shape_string(shape));
  return it->second;
}

StateDict StateDict::sub(const std::string& prefix) const {
  StateDict out(origin_);
  for (auto it = tensors_.lower_bound(prefix); it != tensors_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.tensors_[it->first.substr(prefix.size())] = it->second;
  }
  return out;
}

}  // namespace chatterbox::io
