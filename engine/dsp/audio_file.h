#pragma once
// Reading uploaded or stored audio (WAV, FLAC, OGG/Vorbis/Opus, MP3 where libsndfile has it)
// into mono float32, and writing WAV. Decoding follows what soundfile (and so librosa.load)
// does: libsndfile's normalised float conversion, then the mean over channels.
#include <torch/torch.h>

#include <cstddef>
#include <string>

namespace chatterbox::dsp {

// Bounds on what a caller accepts; exceeding one is kResourceExhausted.
struct AudioLimits {
  size_t max_bytes = size_t{64} << 20;  // encoded size
  double max_seconds = 600.0;           // decoded duration
};

struct Audio {
  torch::Tensor samples;  // (N,) float32 on the CPU, mono
  int sample_rate = 0;
  int source_channels = 0;  // channel count before the down-mix

  double seconds() const {
    return sample_rate > 0 ? static_cast<double>(samples.size(0)) / sample_rate : 0.0;
  }
};

// What an encoded clip's header declares, read without decoding the samples.
struct AudioHeader {
  int sample_rate = 0;
  int channels = 0;
  double seconds = 0;  // from the header's frame count (an estimate for MP3 and Vorbis)
};

// Errors (chatterbox::Error): kInvalidArgument for empty input or bytes that are not a known
// audio format; kCorruptData for malformed, truncated or non-finite audio, or a header with
// no channels or no sample rate; kUnsupported for an encoding this libsndfile cannot decode;
// kResourceExhausted when a limit is exceeded; kNotFound when a path does not exist.
Audio read_audio_file(const std::string& path, const AudioLimits& limits = {});
Audio read_audio_bytes(const void* data, size_t size, const AudioLimits& limits = {});
inline Audio read_audio_bytes(const std::string& bytes, const AudioLimits& limits = {}) {
  return read_audio_bytes(bytes.data(), bytes.size(), limits);
}
// The header only, with read_audio_bytes's errors for what a header shows.
AudioHeader probe_audio_bytes(const void* data, size_t size, const AudioLimits& limits = {});
inline AudioHeader probe_audio_bytes(const std::string& bytes, const AudioLimits& limits = {}) {
  return probe_audio_bytes(bytes.data(), bytes.size(), limits);
}

enum class WavEncoding { kPcm16, kFloat32 };

// Mono WAV from (N,) samples (any device, cast to float32). PCM16 clips to [-1, 1].
void write_wav_file(const std::string& path, const torch::Tensor& samples, int sample_rate,
                    WavEncoding encoding = WavEncoding::kPcm16);
std::string encode_wav(const torch::Tensor& samples, int sample_rate,
                       WavEncoding encoding = WavEncoding::kPcm16);

}  // namespace chatterbox::dsp
