#include "engine/io/torch_archive.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/pickle.h>

#include <fstream>

#include "engine/common/error.h"
#include "engine/io/atomic_file.h"

namespace chatterbox::io {

c10::IValue read_torch_archive(const std::string& path) {
  if (!std::ifstream(path).good()) fail(ErrorCode::kNotFound, "cannot open " + path);
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (!reader.hasRecord("data.pkl"))
      fail(ErrorCode::kCorruptData, path + " is a zip file but not a torch.save archive");
    return torch::jit::readArchiveAndTensors("data", "", "data/", c10::nullopt, c10::nullopt,
                                             c10::Device(c10::kCPU), reader);
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
