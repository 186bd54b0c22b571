#include "engine/io/torch_archive.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/csrc/jit/serialization/unpickler.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <tuple>
#include <unordered_map>

#include "engine/common/error.h"
#include "engine/io/atomic_file.h"
#include "engine/io/pickle_bounds.h"

namespace chatterbox::io {

namespace {

// The bytes each storage record read for the unpickler holds, keyed by its buffer.
using RecordSizes = std::unordered_map<const void*, size_t>;

void check_storage_sizes(const c10::IValue& value, const RecordSizes& records,
                         const std::string& path) {
  if (value.isTensor()) {
    const auto& storage = value.toTensor().storage();
    const auto record = records.find(storage.data());
    if (record != records.end() && storage.nbytes() > record->second)
      fail(ErrorCode::kCorruptData,
           path + " is corrupt: a tensor's storage claims " + std::to_string(storage.nbytes()) +
               " bytes, its record holds " + std::to_string(record->second));
  } else if (value.isGenericDict()) {
    for (const auto& item : value.toGenericDict()) check_storage_sizes(item.value(), records, path);
  } else if (value.isList()) {
    for (const auto& item : value.toListRef()) check_storage_sizes(item, records, path);
  } else if (value.isTuple()) {
    for (const auto& item : value.toTupleRef().elements()) check_storage_sizes(item, records, path);
  }
}

// libtorch's unpickler, given the pickle only after its numbers were checked, and storages
// whose claimed size (from the pickle) is then held against the record each one reads.
c10::IValue unpickle(caffe2::serialize::PyTorchStreamReader& reader, const std::string& path) {
  // Not a structured binding: C++17 lambdas cannot capture those (clang refuses, gcc allows).
  const auto record = reader.getRecord("data.pkl");
  const char* bytes = static_cast<const char*>(std::get<0>(record).get());
  const size_t pickle_size = std::get<1>(record);
  check_pickle_bounds(bytes, pickle_size, path);
  size_t read = 0;
  auto read_pickle = [&](char* buffer, size_t length) -> size_t {
    length = std::min(length, pickle_size - read);
    std::memcpy(buffer, bytes + read, length);
    read += length;
    return length;
  };
  RecordSizes records;
  auto read_record = [&](const std::string& key) {
    auto [data, size] = reader.getRecord("data/" + key);
    records[data.get()] = size;
    return std::move(data);
  };
  torch::jit::Unpickler unpickler(read_pickle, nullptr, nullptr, read_record,
                                  c10::Device(c10::kCPU));
  unpickler.set_version(reader.version());
  c10::IValue value = unpickler.parse_ivalue();
  check_storage_sizes(value, records, path);
  return value;
}

}  // namespace

c10::IValue read_torch_archive(const std::string& path) {
  if (!std::ifstream(path).good()) fail(ErrorCode::kNotFound, "cannot open " + path);
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (!reader.hasRecord("data.pkl"))
      fail(ErrorCode::kCorruptData, path + " is a zip file but not a torch.save archive");
    return unpickle(reader, path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    fail(ErrorCode::kCorruptData, "cannot read torch archive " + path + ": " + what);
  }
}

void write_torch_archive(const std::string& path, const c10::IValue& value) {
  std::vector<char> bytes = torch::pickle_save(value);
  write_file_atomically(path, std::string(bytes.begin(), bytes.end()));
}

namespace {
void flatten_into(const c10::IValue& value, const std::string& prefix,
                  std::vector<std::pair<std::string, torch::Tensor>>& out) {
  if (value.isTensor()) {
    out.emplace_back(prefix, value.toTensor());
  } else if (value.isGenericDict()) {
    for (const auto& item : value.toGenericDict()) {
      std::string key = item.key().isString() ? item.key().toStringRef() : c10::str(item.key());
      flatten_into(item.value(), prefix.empty() ? key : prefix + "." + key, out);
    }
  }
}
}  // namespace

std::vector<std::pair<std::string, torch::Tensor>> flatten_tensors(const c10::IValue& value) {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  flatten_into(value, "", out);
  return out;
}

}  // namespace chatterbox::io
