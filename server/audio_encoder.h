#pragma once
// Incremental encoders from float chunks (mono, [-1, 1]) to the bytes of a response format.
// push() returns the bytes that are final so far (possibly none: codecs buffer whole frames),
// finish() the rest; their concatenation is the file. Samples are clipped to [-1, 1] and NaN
// becomes silence.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "server/audio_format.h"

namespace chatterbox::server {

enum class EncodeMode {
  // Bytes leave as soon as they are made. WAV carries unknown-length sizes (0xFFFFFFFF); FLAC's
  // header has no total length; MP3 has no LAME/Xing info frame.
  kStream,
  // One whole file from finish() with exact sizes and headers (push() returns nothing).
  kWholeFile,
};

class AudioEncoder {
 public:
  virtual ~AudioEncoder() = default;
  virtual std::string push(const float* samples, size_t count) = 0;
  std::string push(const std::vector<float>& samples) {
    return push(samples.data(), samples.size());
  }
  // Flushes the codec; push() and finish() after it throw kInternal.
  virtual std::string finish() = 0;
};

// Throws kUnsupported for a rate the format cannot carry (Opus: 8, 12, 16, 24 or 48 kHz).
std::unique_ptr<AudioEncoder> make_audio_encoder(AudioFormat format, int sample_rate,
                                                 EncodeMode mode = EncodeMode::kStream);

// Shared by the encoders: clip to [-1, 1], NaN to 0.
float sanitize_sample(float x);

}  // namespace chatterbox::server
