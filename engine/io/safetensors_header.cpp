#include "engine/io/safetensors_header.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "engine/common/error.h"

namespace chatterbox::io {
namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

struct DTypeName {
  const char* name;
  StDType dtype;
  size_t size;
};
constexpr DTypeName kDTypes[] = {
    {"F64", StDType::kF64, 8},   {"F32", StDType::kF32, 4}, {"F16", StDType::kF16, 2},
    {"BF16", StDType::kBF16, 2}, {"I64", StDType::kI64, 8}, {"I32", StDType::kI32, 4},
    {"I16", StDType::kI16, 2},   {"I8", StDType::kI8, 1},   {"U8", StDType::kU8, 1},
    {"BOOL", StDType::kBool, 1},
};

[[noreturn]] void corrupt(const std::string& origin, const std::string& what) {
  fail(ErrorCode::kCorruptData, "safetensors file " + origin + ": " + what);
}

StDType dtype_from_name(const std::string& name, const std::string& origin,
                        const std::string& tensor) {
  for (const auto& d : kDTypes)
    if (name == d.name) return d.dtype;
  corrupt(origin, "tensor '" + tensor + "' has unsupported dtype '" + name + "'");
}

uint64_t checked_numel_bytes(const StTensorEntry& e, const std::string& origin) {
  uint64_t count = st_dtype_size(e.dtype);
  for (int64_t dim : e.shape) {
    if (dim != 0 && count > UINT64_MAX / static_cast<uint64_t>(dim))
      corrupt(origin, "tensor '" + e.name + "' has a shape too large to address");
    count *= static_cast<uint64_t>(dim);
  }
  return count;
}

StTensorEntry parse_entry(const std::string& name, const nlohmann::json& value,
                          const std::string& origin) {
  if (!value.is_object()) corrupt(origin, "entry '" + name + "' is not an object");
  StTensorEntry e;
  e.name = name;
  auto dtype = value.find("dtype");
  auto shape = value.find("shape");
  auto offsets = value.find("data_offsets");
  if (dtype == value.end() || !dtype->is_string())
    corrupt(origin, "tensor '" + name + "' has no dtype string");
  if (shape == value.end() || !shape->is_array())
    corrupt(origin, "tensor '" + name + "' has no shape array");
  if (offsets == value.end() || !offsets->is_array() || offsets->size() != 2)
    corrupt(origin, "tensor '" + name + "' has no [begin, end] data_offsets");
  e.dtype = dtype_from_name(dtype->get<std::string>(), origin, name);
  for (const auto& dim : *shape) {
    if (!dim.is_number_unsigned())
      corrupt(origin, "tensor '" + name + "' has a shape entry that is not a non-negative integer");
    uint64_t d = dim.get<uint64_t>();
    if (d > static_cast<uint64_t>(INT64_MAX))
      corrupt(origin, "tensor '" + name + "' dimension overflows");
    e.shape.push_back(static_cast<int64_t>(d));
  }
  for (const auto& off : *offsets)
    if (!off.is_number_unsigned())
      corrupt(origin, "tensor '" + name + "' has a data offset that is not a non-negative integer");
  e.begin = (*offsets)[0].get<uint64_t>();
  e.end = (*offsets)[1].get<uint64_t>();
  if (e.end < e.begin) corrupt(origin, "tensor '" + name + "' ends before it begins");
  if (e.end - e.begin != checked_numel_bytes(e, origin))
    corrupt(origin, "tensor '" + name + "' byte range does not match its shape and dtype");
  return e;
}

}  // namespace

size_t st_dtype_size(StDType dtype) {
  for (const auto& d : kDTypes)
    if (d.dtype == dtype) return d.size;
  return 0;
}

const char* st_dtype_name(StDType dtype) {
  for (const auto& d : kDTypes)
    if (d.dtype == dtype) return d.name;
  return "?";
}

StHeader parse_safetensors_header(const uint8_t* bytes, size_t size, const std::string& origin) {
  if (size < 8) corrupt(origin, "file is shorter than the 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | bytes[i];
  if (header_len > kMaxHeaderBytes) corrupt(origin, "header length is implausibly large");
  if (header_len > size - 8) corrupt(origin, "file is truncated inside its header");

  nlohmann::json root = nlohmann::json::parse(bytes + 8, bytes + 8 + header_len, nullptr, false);
  if (root.is_discarded()) corrupt(origin, "header is not valid JSON");
  if (!root.is_object()) corrupt(origin, "header is not a JSON object");

  StHeader header;
  header.data_offset = 8 + header_len;
  const uint64_t data_size = size - header.data_offset;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) corrupt(origin, "__metadata__ is not an object");
      for (auto m = it.value().begin(); m != it.value().end(); ++m) {
        if (!m.value().is_string()) corrupt(origin, "metadata '" + m.key() + "' is not a string");
        header.metadata[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    header.tensors.push_back(parse_entry(it.key(), it.value(), origin));
    if (header.tensors.back().end > data_size)
      corrupt(origin, "file is truncated: tensor '" + it.key() + "' lies beyond its end");
  }
  std::sort(header.tensors.begin(), header.tensors.end(),
            [](const StTensorEntry& a, const StTensorEntry& b) {
              return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
            });
  const StTensorEntry* furthest = nullptr;  // the non-empty tensor that reaches furthest so far
  for (const auto& cur : header.tensors) {
    if (cur.begin == cur.end) continue;
    if (furthest && cur.begin < furthest->end)
      corrupt(origin, "tensors '" + furthest->name + "' and '" + cur.name + "' overlap");
    furthest = &cur;
  }
  return header;
}

}  // namespace chatterbox::io
