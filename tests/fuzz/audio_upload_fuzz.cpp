// libFuzzer target: an uploaded reference clip as the server takes it: probe_clip (its header,
// refused with an ApiError) and then dsp::read_audio_bytes (the decoding into samples, refused
// with a chatterbox::Error), both from memory through libsndfile. Nothing may crash or throw
// anything else. The limits are small so that a header announcing hours fails fast.

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/common/error.h"
#include "engine/dsp/audio_file.h"
#include "server/api_error.h"
#include "server/clip_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const chatterbox::dsp::AudioLimits limits{size_t{1} << 20, 30.0};
  try {
    chatterbox::server::probe_clip(bytes, limits.max_bytes, limits.max_seconds, "file");
  } catch (const chatterbox::server::ApiError&) {
  }
  try {
    const auto audio = chatterbox::dsp::read_audio_bytes(bytes, limits);
    if (audio.samples.dim() != 1 || audio.samples.numel() == 0 || audio.sample_rate <= 0)
      __builtin_trap();  // accepted audio that is no mono waveform
  } catch (const chatterbox::Error&) {
  }
  return 0;
}
