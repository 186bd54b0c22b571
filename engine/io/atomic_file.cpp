#include "engine/io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/common/error.h"

namespace chatterbox::io {

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  temp_path_ = path_ + ".tmp." + std::to_string(::getpid());
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_)
    fail(ErrorCode::kInvalidArgument, "cannot write " + temp_path_ + ": " + std::strerror(errno));
}

AtomicFileWriter::~AtomicFileWriter() {
  if (file_) std::fclose(file_);
  if (!committed_) std::remove(temp_path_.c_str());
}

void AtomicFileWriter::write(const void* data, size_t size) {
  if (size && std::fwrite(data, 1, size, file_) != size)
    fail(ErrorCode::kInternal, "cannot write " + temp_path_ + ": " + std::strerror(errno));
}

void AtomicFileWriter::commit() {
  bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
  ok = (std::fclose(file_) == 0) && ok;
  file_ = nullptr;
  if (!ok || std::rename(temp_path_.c_str(), path_.c_str()) != 0)
    fail(ErrorCode::kInternal, "cannot write " + path_ + ": " + std::strerror(errno));
  committed_ = true;
}

void write_file_atomically(const std::string& path, const std::string& content) {
  AtomicFileWriter w(path);
  w.write(content.data(), content.size());
  w.commit();
}

}  // namespace chatterbox::io
