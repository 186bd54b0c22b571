#pragma once
// torch.save archives (zip + pickle) as Python writes them: dicts of tensors, nested dicts,
// None and numbers. Every storage is mapped to the CPU, so files saved from CUDA load on a
// machine without it.

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace chatterbox::io {

// Throws chatterbox::Error naming the file when it is missing, not a torch archive, or corrupt.
c10::IValue read_torch_archive(const std::string& path);

// Writes `value` in the torch.save zip format (readable by Python's torch.load), atomically.
void write_torch_archive(const std::string& path, const c10::IValue& value);

// Every tensor in a (nested) dict, keyed by the dotted path ("t3.speaker_emb"). None values
// and numbers are skipped; a top-level tensor gets the key "".
std::vector<std::pair<std::string, torch::Tensor>> flatten_tensors(const c10::IValue& value);

}  // namespace chatterbox::io
