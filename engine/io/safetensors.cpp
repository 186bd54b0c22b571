#include "engine/io/safetensors.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "engine/io/atomic_file.h"

namespace chatterbox::io {

torch::ScalarType to_scalar_type(StDType dtype) {
  switch (dtype) {
    case StDType::kF64:
      return torch::kFloat64;
    case StDType::kF32:
      return torch::kFloat32;
    case StDType::kF16:
      return torch::kFloat16;
    case StDType::kBF16:
      return torch::kBFloat16;
    case StDType::kI64:
      return torch::kInt64;
    case StDType::kI32:
      return torch::kInt32;
    case StDType::kI16:
      return torch::kInt16;
    case StDType::kI8:
      return torch::kInt8;
    case StDType::kU8:
      return torch::kUInt8;
    case StDType::kBool:
      return torch::kBool;
  }
  fail(ErrorCode::kInternal, "unknown safetensors dtype");
}

StDType to_st_dtype(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat64:
      return StDType::kF64;
    case torch::kFloat32:
      return StDType::kF32;
    case torch::kFloat16:
      return StDType::kF16;
    case torch::kBFloat16:
      return StDType::kBF16;
    case torch::kInt64:
      return StDType::kI64;
    case torch::kInt32:
      return StDType::kI32;
    case torch::kInt16:
      return StDType::kI16;
    case torch::kInt8:
      return StDType::kI8;
    case torch::kUInt8:
      return StDType::kU8;
    case torch::kBool:
      return StDType::kBool;
    default:
      break;
  }
  fail(ErrorCode::kUnsupported,
       std::string("safetensors cannot store dtype ") + c10::toString(type));
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  SafetensorsFile f;
  f.file_ = MappedFile::open(path);
  f.header_ = parse_safetensors_header(f.file_->data(), f.file_->size(), path);
  for (size_t i = 0; i < f.header_.tensors.size(); ++i) f.index_[f.header_.tensors[i].name] = i;
  return f;
}

std::vector<std::string> SafetensorsFile::keys() const {
  std::vector<std::string> out;
  out.reserve(index_.size());
  for (const auto& kv : index_) out.push_back(kv.first);
  return out;
}

const StTensorEntry& SafetensorsFile::entry(const std::string& name) const {
  auto it = index_.find(name);
  if (it == index_.end())
    fail(ErrorCode::kNotFound, "safetensors file " + path() + " has no tensor '" + name + "'");
  return header_.tensors[it->second];
}

std::string SafetensorsFile::meta_json() const {
  auto it = header_.metadata.find("meta");
  return it == header_.metadata.end() ? "{}" : it->second;
}

torch::Tensor SafetensorsFile::tensor(const std::string& name) const {
  const StTensorEntry& e = entry(name);
  uint8_t* ptr = file_->data() + header_.data_offset + e.begin;
  auto options = torch::TensorOptions().dtype(to_scalar_type(e.dtype)).device(torch::kCPU);
  size_t elem = st_dtype_size(e.dtype);
  if (reinterpret_cast<uintptr_t>(ptr) % elem != 0) {
    auto out = torch::empty(e.shape, options);
    std::memcpy(out.data_ptr(), ptr, e.end - e.begin);
    return out;
  }
  std::shared_ptr<MappedFile> keep = file_;
  return torch::from_blob(
      ptr, e.shape, [keep](void*) {}, options);
}

void save_safetensors_streamed(const std::string& path, const std::vector<TensorSpec>& specs,
                               const std::function<torch::Tensor(size_t)>& produce,
                               const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& spec : specs) {
    if (header.contains(spec.name))
      fail(ErrorCode::kInvalidArgument, "duplicate tensor name " + spec.name);
    uint64_t bytes = c10::elementSize(spec.dtype);
    for (int64_t d : spec.shape) bytes *= static_cast<uint64_t>(d);
    header[spec.name] = {{"dtype", st_dtype_name(to_st_dtype(spec.dtype))},
                         {"shape", spec.shape},
                         {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text = header.dump();
  while ((8 + text.size()) % 8 != 0) text.push_back(' ');

  AtomicFileWriter out(path);
  uint64_t len = text.size();
  uint8_t len_bytes[8];
  for (int i = 0; i < 8; ++i) len_bytes[i] = static_cast<uint8_t>(len >> (8 * i));
  out.write(len_bytes, 8);
  out.write(text.data(), text.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    torch::Tensor c = produce(i).detach().to(torch::kCPU).contiguous();
    if (c.sizes() != c10::IntArrayRef(specs[i].shape) || c.scalar_type() != specs[i].dtype)
      fail(ErrorCode::kInternal, "tensor " + specs[i].name + " does not match its declared spec");
    out.write(c.data_ptr(), c.numel() * c.element_size());
  }
  out.commit();
}

void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata) {
  std::vector<TensorSpec> specs;
  for (const auto& [name, t] : tensors) specs.push_back({name, t.sizes().vec(), t.scalar_type()});
  save_safetensors_streamed(
      path, specs, [&](size_t i) { return tensors[i].second; }, metadata);
}

}  // namespace chatterbox::io
