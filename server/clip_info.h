#pragma once
// What an uploaded reference clip is, read from its header by libsndfile (no decoding into
// tensors): rate, channels, duration. Refusals are ApiErrors naming `field`: 413 past the byte
// or duration limit, 422 for bytes that are no audio libsndfile reads.

#include <string>

namespace chatterbox::server {

struct ClipInfo {
  int sample_rate = 0;
  int channels = 0;
  double seconds = 0;
};

ClipInfo probe_clip(const std::string& bytes, size_t max_bytes, double max_seconds,
                    const std::string& field);

}  // namespace chatterbox::server
