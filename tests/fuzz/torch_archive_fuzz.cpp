// libFuzzer target: a torch.save archive (zip + pickle) read as the conds.pt of a checkpoint:
// io::read_torch_archive, the flattening of its dicts, and the conditionals built from them.
// Anything wrong must be a chatterbox::Error (read_torch_archive turns libtorch's exceptions
// into kCorruptData); nothing may crash or throw anything else.

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/pipeline/conditionals.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = chatterbox::fuzz::fresh_scratch_dir();
  chatterbox::fuzz::write_file(dir, "conds.pt",
                               std::string(reinterpret_cast<const char*>(data), size));
  try {
    chatterbox::pipeline::load_conds_pt(chatterbox::fs::join(dir, "conds.pt"));
  } catch (const chatterbox::Error&) {
  }
  return 0;
}
