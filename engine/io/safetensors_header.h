#pragma once
// The safetensors header: an 8-byte little-endian length, then a JSON object mapping each
// tensor name to {dtype, shape, data_offsets}. Parsing is kept free of libtorch so that the
// fuzz target exercises exactly this code.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chatterbox::io {

enum class StDType { kF64, kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool };

size_t st_dtype_size(StDType dtype);
const char* st_dtype_name(StDType dtype);

struct StTensorEntry {
  std::string name;
  StDType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets relative to the start of the data section
  uint64_t end = 0;
};

struct StHeader {
  std::vector<StTensorEntry> tensors;  // in ascending order of begin offset
  std::map<std::string, std::string> metadata;
  uint64_t data_offset = 0;  // where the data section starts in the file
};

// Parses and validates the header of a whole file held in `bytes` (`size` bytes). `origin`
// names the file in error messages. Throws chatterbox::Error(kCorruptData) on anything wrong:
// short file, bad length, bad JSON, unknown dtype, negative or overflowing shape, byte range
// that does not match the shape, lies outside the data section or overlaps another.
StHeader parse_safetensors_header(const uint8_t* bytes, size_t size, const std::string& origin);

}  // namespace chatterbox::io
