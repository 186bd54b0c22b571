#include "tests/support/temp_dir.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace chatterbox::testing {

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void copy_truncated(const std::string& src, const std::string& dst, size_t keep) {
  std::string bytes = read_bytes(src);
  if (keep < bytes.size()) bytes.resize(keep);
  write_bytes(dst, bytes);
}

}  // namespace chatterbox::testing
