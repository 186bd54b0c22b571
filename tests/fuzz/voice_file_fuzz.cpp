// libFuzzer target: a voice of the server's voice library, <name>.safetensors (the
// conditionals) and <name>.json (its description), listed, looked up and loaded for every
// variant. Input: the safetensors bytes, NUL, the JSON. A bad voice is skipped by list() and
// refused by get() with a chatterbox::Error; nothing may crash or throw anything else.

#include <cstddef>
#include <cstdint>

#include "engine/common/error.h"
#include "engine/common/variant.h"
#include "engine/log/log.h"
#include "server/voice_library.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = (chatterbox::log::set_level("error"), true);  // list() warns
  (void)quiet;
  const auto sections = chatterbox::fuzz::split_sections(data, size, 2);
  const std::string& dir = chatterbox::fuzz::fresh_scratch_dir();
  chatterbox::fuzz::write_file(dir, "v.safetensors", sections[0]);
  chatterbox::fuzz::write_file(dir, "v.json", sections[1]);
  const chatterbox::server::VoiceLibrary library(dir);
  // A listed voice is complete: find() knows it and get() loads it for its own variant.
  const auto voices = library.list();
  const auto found = library.find("v");
  if (!voices.empty() && (voices.size() != 1 || !found || voices[0].name != "v")) __builtin_trap();
  for (chatterbox::Variant variant : chatterbox::all_variants()) {
    try {
      library.get("v", variant)->validate();
    } catch (const chatterbox::Error&) {
      if (!voices.empty() && voices[0].variant == variant) __builtin_trap();
    }
  }
  return 0;
}
