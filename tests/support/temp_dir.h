#pragma once
// A temporary directory for one test, removed with everything in it when the test ends.

#include <string>

#include "engine/common/file_system.h"

namespace chatterbox::testing {

class TempDir {
 public:
  TempDir() : path_(fs::make_temp_directory("chatterbox_test_")) {}
  ~TempDir() { fs::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return fs::join(path_, name); }

 private:
  std::string path_;
};

void write_bytes(const std::string& path, const std::string& bytes);
std::string read_bytes(const std::string& path);
// Copies `src` to `dst`, keeping only its first `keep` bytes (all by default).
void copy_truncated(const std::string& src, const std::string& dst, size_t keep = SIZE_MAX);

}  // namespace chatterbox::testing
