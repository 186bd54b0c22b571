#pragma once
// Writes a file so that readers see either the old content or the complete new content:
// data goes to a temporary file beside the target, is flushed, then renamed over it.

#include <cstddef>
#include <cstdio>
#include <string>

namespace chatterbox::io {

class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);
  ~AtomicFileWriter();  // removes the temporary file unless commit() succeeded
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const void* data, size_t size);
  void commit();

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Convenience for small files.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace chatterbox::io
