#include "tests/fuzz/fuzz_input.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "engine/common/error.h"
#include "engine/common/file_system.h"

namespace chatterbox::fuzz {
namespace {

// Never destroyed, so that the atexit handler (registered before it is complete) can use it.
const std::string& scratch_root() {
  static const std::string* root = [] {
    auto* dir = new std::string(fs::make_temp_directory("chatterbox-fuzz"));
    std::atexit([] { fs::remove_all(scratch_root()); });
    return dir;
  }();
  return *root;
}

}  // namespace

std::vector<std::string> split_sections(const uint8_t* data, size_t size, size_t count) {
  std::vector<std::string> sections(count);
  const char* p = reinterpret_cast<const char*>(data);
  const char* end = p + size;
  for (size_t i = 0; i < count && p < end; ++i) {
    const char* cut = i + 1 == count ? end : std::find(p, end, '\0');
    sections[i].assign(p, cut);
    p = cut == end ? end : cut + 1;
  }
  return sections;
}

const std::string& fresh_scratch_dir() {
  static const std::string dir = fs::join(scratch_root(), "input");
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_file(const std::string& dir, const std::string& name, const std::string& bytes) {
  const std::string path = fs::join(dir, name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) fail(ErrorCode::kInternal, "fuzz harness: cannot write " + path);
}

}  // namespace chatterbox::fuzz
