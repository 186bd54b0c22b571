#pragma once
// A whole file mapped into memory, copy-on-write, so tensors can view it without copying
// and an accidental in-place write never reaches the file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace chatterbox::io {

class MappedFile {
 public:
  static std::shared_ptr<MappedFile> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile(std::string path, uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  std::string path_;
  uint8_t* data_;
  size_t size_;
};

}  // namespace chatterbox::io
