#include "engine/dsp/audio_file.h"

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <sstream>
#include <vector>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/dsp/vorbis_headers.h"

namespace chatterbox::dsp {
namespace {

// ---- libsndfile virtual I/O over a byte buffer -------------------------------------------

struct ByteStream {
  const char* data = nullptr;   // reading
  std::string* sink = nullptr;  // writing
  sf_count_t size = 0;
  sf_count_t pos = 0;
};

sf_count_t stream_length(void* user) {
  return static_cast<ByteStream*>(user)->size;
}

sf_count_t stream_seek(sf_count_t offset, int whence, void* user) {
  auto* s = static_cast<ByteStream*>(user);
  sf_count_t target = offset;
  if (whence == SEEK_CUR) target = s->pos + offset;
  if (whence == SEEK_END) target = s->size + offset;
  if (target < 0) return -1;
  s->pos = target;
  return s->pos;
}

sf_count_t stream_read(void* dst, sf_count_t count, void* user) {
  auto* s = static_cast<ByteStream*>(user);
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, s->size - s->pos));
  const char* base = s->sink ? s->sink->data() : s->data;
  if (n > 0) std::memcpy(dst, base + s->pos, static_cast<size_t>(n));
  s->pos += n;
  return n;
}

sf_count_t stream_write(const void* src, sf_count_t count, void* user) {
  auto* s = static_cast<ByteStream*>(user);
  const auto end = static_cast<size_t>(s->pos + count);
  if (s->sink->size() < end) s->sink->resize(end);
  std::memcpy(&(*s->sink)[static_cast<size_t>(s->pos)], src, static_cast<size_t>(count));
  s->pos += count;
  s->size = static_cast<sf_count_t>(s->sink->size());
  return count;
}

sf_count_t stream_tell(void* user) {
  return static_cast<ByteStream*>(user)->pos;
}

SF_VIRTUAL_IO byte_stream_io() {
  return SF_VIRTUAL_IO{stream_length, stream_seek, stream_read, stream_write, stream_tell};
}

struct SndfileCloser {
  void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndfileHandle = std::unique_ptr<SNDFILE, SndfileCloser>;

// ---- decoding ------------------------------------------------------------------------------

[[noreturn]] void fail_open(const std::string& what) {
  const int code = sf_error(nullptr);
  const std::string detail = sf_error_number(code);
  switch (code) {
    case SF_ERR_UNRECOGNISED_FORMAT:
      fail(ErrorCode::kInvalidArgument,
           what + " is not audio in a format this server reads (WAV, FLAC, OGG, MP3)");
    case SF_ERR_UNSUPPORTED_ENCODING:
      fail(ErrorCode::kUnsupported, what + " uses an audio encoding this server cannot decode (" +
                                        detail + "); convert it to WAV or FLAC");
    default:
      fail(ErrorCode::kCorruptData, what + " is damaged or incomplete (" + detail + ")");
  }
}

std::string seconds_text(double s) {
  std::ostringstream out;
  out.precision(1);
  out << std::fixed << s << " s";
  return out.str();
}

sf_count_t max_frames(const SF_INFO& info, const AudioLimits& limits) {
  const double frames = std::floor(limits.max_seconds * info.samplerate);
  return static_cast<sf_count_t>(std::max(0.0, frames));
}

// Refuses a header without channels or rate, or announcing more than the duration limit.
void check_header(const SF_INFO& info, const AudioLimits& limits, const std::string& what) {
  if (info.channels <= 0 || info.samplerate <= 0) {
    fail(ErrorCode::kCorruptData, what + " declares " + std::to_string(info.channels) +
                                      " channels at " + std::to_string(info.samplerate) +
                                      " Hz; it is not usable audio");
  }
  if (info.frames > max_frames(info, limits)) {
    fail(ErrorCode::kResourceExhausted,
         what + " lasts " + seconds_text(static_cast<double>(info.frames) / info.samplerate) +
             "; at most " + seconds_text(limits.max_seconds) + " is accepted");
  }
}

// Reads every frame, refusing more than the duration limit, and averages the channels.
Audio decode(SNDFILE* file, const SF_INFO& info, const AudioLimits& limits,
             const std::string& what) {
  check_header(info, limits, what);
  const int channels = info.channels;
  const sf_count_t frame_limit = max_frames(info, limits);

  std::vector<float> mono;
  // The header's frame count is trusted for the reservation only up to 2^22 frames (16 MB).
  mono.reserve(static_cast<size_t>(std::clamp<sf_count_t>(info.frames, 0, sf_count_t{1} << 22)));
  // 2^18 samples a read whatever the channel count: a header may claim 1024 channels, and a
  // chunk of 2^15 frames would then take 128 MB for a clip of a few bytes.
  constexpr sf_count_t kChunkSamples = 1 << 18;
  const sf_count_t chunk_frames = std::max<sf_count_t>(1, kChunkSamples / channels);
  std::vector<float> chunk(static_cast<size_t>(chunk_frames * channels));
  while (true) {
    const sf_count_t got = sf_readf_float(file, chunk.data(), chunk_frames);
    if (got <= 0) break;
    for (sf_count_t i = 0; i < got; ++i) {
      const float* frame = &chunk[static_cast<size_t>(i * channels)];
      float sum = 0.0f;  // float32 like numpy's mean over a float32 axis
      for (int c = 0; c < channels; ++c) sum += frame[c];
      mono.push_back(channels == 1 ? frame[0] : sum / static_cast<float>(channels));
    }
    if (static_cast<sf_count_t>(mono.size()) > frame_limit) {
      fail(ErrorCode::kResourceExhausted,
           what + " lasts longer than the accepted " + seconds_text(limits.max_seconds));
    }
  }
  if (sf_error(file) != SF_ERR_NO_ERROR) {
    fail(ErrorCode::kCorruptData,
         what + " could not be decoded completely (" + sf_strerror(file) + ")");
  }
  // libsndfile knows the exact length of PCM and FLAC streams; fewer decoded frames means
  // the data ends early. Compressed streams (MP3, Vorbis) may only estimate it.
  const int major = info.format & SF_FORMAT_TYPEMASK;
  const bool exact_length = major != SF_FORMAT_OGG && major != SF_FORMAT_MPEG;
  if (exact_length && static_cast<sf_count_t>(mono.size()) < info.frames) {
    fail(ErrorCode::kCorruptData, what + " is truncated: its header announces " +
                                      std::to_string(info.frames) + " frames, only " +
                                      std::to_string(mono.size()) + " could be decoded");
  }
  if (mono.empty()) fail(ErrorCode::kInvalidArgument, what + " contains no audio samples");
  for (float v : mono) {
    if (!std::isfinite(v)) {
      fail(ErrorCode::kCorruptData, what + " contains NaN or infinite sample values");
    }
  }

  Audio audio;
  audio.samples =
      torch::from_blob(mono.data(), {static_cast<int64_t>(mono.size())}, torch::kFloat32).clone();
  audio.sample_rate = info.samplerate;
  audio.source_channels = channels;
  return audio;
}

void check_size(size_t size, const AudioLimits& limits, const std::string& what) {
  if (size == 0) fail(ErrorCode::kInvalidArgument, what + " is empty");
  if (size > limits.max_bytes) {
    fail(ErrorCode::kResourceExhausted, what + " is " + std::to_string(size) + " bytes; at most " +
                                            std::to_string(limits.max_bytes) +
                                            " bytes are accepted");
  }
}

// Opens encoded bytes for reading; `stream` must outlive the handle. Ogg Vorbis with headers
// libsndfile would leak on is refused before it sees them (vorbis_headers.h).
SndfileHandle open_bytes(ByteStream& stream, SF_INFO& info, const AudioLimits& limits,
                         const std::string& what) {
  const auto size = static_cast<size_t>(stream.size);
  check_size(size, limits, what);
  if (check_vorbis_headers(stream.data, size) == VorbisHeaders::kMalformed)
    fail(ErrorCode::kInvalidArgument, what + " is Ogg Vorbis with malformed headers");
  static SF_VIRTUAL_IO io = byte_stream_io();
  SndfileHandle file(sf_open_virtual(&io, SFM_READ, &info, &stream));
  if (!file) fail_open(what);
  return file;
}

// ---- encoding ------------------------------------------------------------------------------

SF_INFO wav_info(int sample_rate, WavEncoding encoding) {
  if (sample_rate <= 0) {
    fail(ErrorCode::kInvalidArgument, "WAV sample rate must be positive");
  }
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format =
      SF_FORMAT_WAV | (encoding == WavEncoding::kPcm16 ? SF_FORMAT_PCM_16 : SF_FORMAT_FLOAT);
  return info;
}

torch::Tensor contiguous_mono(const torch::Tensor& samples) {
  if (samples.dim() != 1) {
    fail(ErrorCode::kInvalidArgument,
         "WAV output expects a 1-D waveform, got " + std::to_string(samples.dim()) + " dims");
  }
  return samples.detach().to(torch::kCPU, torch::kFloat32).contiguous();
}

void write_samples(SNDFILE* file, const torch::Tensor& mono, WavEncoding encoding,
                   const std::string& what) {
  if (encoding == WavEncoding::kPcm16) sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  const sf_count_t n = mono.size(0);
  if (sf_writef_float(file, mono.data_ptr<float>(), n) != n) {
    fail(ErrorCode::kInternal, "writing " + what + " failed: " + sf_strerror(file));
  }
}

}  // namespace

Audio read_audio_file(const std::string& path, const AudioLimits& limits) {
  const std::string what = "audio file '" + path + "'";
  if (!fs::is_regular_file(path)) {
    fail(ErrorCode::kNotFound, what + " does not exist or is not a regular file");
  }
  check_size(static_cast<size_t>(fs::file_size(path)), limits, what);
  SF_INFO info{};
  SndfileHandle file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) fail_open(what);
  return decode(file.get(), info, limits, what);
}

Audio read_audio_bytes(const void* data, size_t size, const AudioLimits& limits) {
  const std::string what = "the uploaded audio";
  ByteStream stream{static_cast<const char*>(data), nullptr, static_cast<sf_count_t>(size)};
  SF_INFO info{};
  SndfileHandle file = open_bytes(stream, info, limits, what);
  return decode(file.get(), info, limits, what);
}

AudioHeader probe_audio_bytes(const void* data, size_t size, const AudioLimits& limits) {
  const std::string what = "the uploaded audio";
  ByteStream stream{static_cast<const char*>(data), nullptr, static_cast<sf_count_t>(size)};
  SF_INFO info{};
  open_bytes(stream, info, limits, what);  // closed again at once: `info` holds the header
  check_header(info, limits, what);
  return {info.samplerate, info.channels, static_cast<double>(info.frames) / info.samplerate};
}

void write_wav_file(const std::string& path, const torch::Tensor& samples, int sample_rate,
                    WavEncoding encoding) {
  const torch::Tensor mono = contiguous_mono(samples);
  SF_INFO info = wav_info(sample_rate, encoding);
  SndfileHandle file(sf_open(path.c_str(), SFM_WRITE, &info));
  if (!file) {
    fail(ErrorCode::kInternal, "cannot create WAV file '" + path + "': " + sf_strerror(nullptr));
  }
  write_samples(file.get(), mono, encoding, "'" + path + "'");
}

std::string encode_wav(const torch::Tensor& samples, int sample_rate, WavEncoding encoding) {
  const torch::Tensor mono = contiguous_mono(samples);
  std::string bytes;
  ByteStream stream;
  stream.sink = &bytes;
  SF_VIRTUAL_IO io = byte_stream_io();
  SF_INFO info = wav_info(sample_rate, encoding);
  {
    SndfileHandle file(sf_open_virtual(&io, SFM_WRITE, &info, &stream));
    if (!file)
      fail(ErrorCode::kInternal, std::string("cannot encode WAV: ") + sf_strerror(nullptr));
    write_samples(file.get(), mono, encoding, "the WAV stream");
  }  // closing writes the final header sizes
  return bytes;
}

}  // namespace chatterbox::dsp
