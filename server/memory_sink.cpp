#include "server/memory_sink.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace chatterbox::server {

SF_VIRTUAL_IO* MemorySink::io() {
  static SF_VIRTUAL_IO callbacks = {&MemorySink::get_length, &MemorySink::seek, &MemorySink::read,
                                    &MemorySink::write, &MemorySink::tell};
  return &callbacks;
}

std::string MemorySink::take() {
  std::string out;
  out.swap(buffer_);
  base_ += static_cast<sf_count_t>(out.size());
  return out;
}

sf_count_t MemorySink::get_length(void* self) {
  return static_cast<MemorySink*>(self)->length();
}

sf_count_t MemorySink::seek(sf_count_t offset, int whence, void* self) {
  auto* sink = static_cast<MemorySink*>(self);
  sf_count_t target = offset;
  if (whence == SEEK_CUR) target += sink->position_;
  if (whence == SEEK_END) target += sink->length();
  if (target < 0) return -1;
  sink->position_ = target;
  return target;
}

// Nothing can be read back (the encoders do not need to).
sf_count_t MemorySink::read(void*, sf_count_t, void*) {
  return 0;
}

sf_count_t MemorySink::write(const void* ptr, sf_count_t count, void* self) {
  auto* sink = static_cast<MemorySink*>(self);
  const char* bytes = static_cast<const char*>(ptr);
  sf_count_t begin = sink->position_;
  sink->position_ += count;
  // Bytes before base_ were taken already (stream mode): they cannot change any more.
  const sf_count_t skip = std::min(count, std::max<sf_count_t>(0, sink->base_ - begin));
  begin += skip;
  const sf_count_t kept = count - skip;
  if (kept <= 0) return count;
  const size_t at = static_cast<size_t>(begin - sink->base_);
  if (at + kept > sink->buffer_.size()) sink->buffer_.resize(at + kept);
  std::memcpy(&sink->buffer_[at], bytes + skip, static_cast<size_t>(kept));
  return count;
}

sf_count_t MemorySink::tell(void* self) {
  return static_cast<MemorySink*>(self)->position_;
}

}  // namespace chatterbox::server
