// libFuzzer target: the safetensors header parser must either accept a file or throw
// chatterbox::Error; it must never crash, hang or read out of bounds.

#include <cstddef>
#include <cstdint>

#include "engine/common/error.h"
#include "engine/io/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    auto header = chatterbox::io::parse_safetensors_header(data, size, "fuzz-input");
    for (const auto& t : header.tensors)
      if (t.end > size - header.data_offset) __builtin_trap();  // accepted a range out of file
  } catch (const chatterbox::Error&) {
  }
  return 0;
}
