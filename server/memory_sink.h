#pragma once
// A write-only "file" in memory for libsndfile's virtual I/O. Codecs write forwards and, when
// they close, seek back to fill in their headers. Bytes already taken (handed to a client) are
// gone: writes that land on them are dropped (those headers then say "length unknown"), and only
// the bytes not yet taken are kept.

#include <sndfile.h>

#include <string>

namespace chatterbox::server {

class MemorySink {
 public:
  SF_VIRTUAL_IO* io();  // callbacks whose user data is this sink
  // The bytes written since the last take (all of them when it is called once, at the end).
  std::string take();
  sf_count_t length() const { return base_ + static_cast<sf_count_t>(buffer_.size()); }

 private:
  static sf_count_t get_length(void* self);
  static sf_count_t seek(sf_count_t offset, int whence, void* self);
  static sf_count_t read(void* ptr, sf_count_t count, void* self);
  static sf_count_t write(const void* ptr, sf_count_t count, void* self);
  static sf_count_t tell(void* self);

  std::string buffer_;  // bytes [base_, length()) of the file
  sf_count_t base_ = 0;
  sf_count_t position_ = 0;
};

}  // namespace chatterbox::server
