#include "server/sndfile_encoder.h"

#include <sndfile.h>

#include <string_view>
#include <vector>

#include "engine/common/error.h"
#include "server/memory_sink.h"

namespace chatterbox::server {
namespace {

constexpr size_t kNeedMore = std::string::npos;

// Length of the LAME/Xing info frame that starts `bytes`, 0 when the first frame is audio,
// kNeedMore when more bytes are needed to tell. LAME writes that frame empty first and fills it
// in when the file closes; a stream cannot go back, and a decoder trusts the empty frame's
// count of zero, so a stream leaves it out.
size_t leading_info_frame(const std::string& bytes) {
  if (bytes.size() < 4) return kNeedMore;
  const auto* b = reinterpret_cast<const unsigned char*>(bytes.data());
  if (b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return 0;
  const int version = (b[1] >> 3) & 3;  // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
  const int layer = (b[1] >> 1) & 3;    // 1: layer III
  const int bitrate_index = b[2] >> 4, rate_index = (b[2] >> 2) & 3, padding = (b[2] >> 1) & 1;
  if (layer != 1 || version == 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3)
    return 0;
  static const int kKbpsV1[] = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
  static const int kKbpsV2[] = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
  static const int kRatesV1[] = {44100, 48000, 32000};
  const int rate = kRatesV1[rate_index] / (version == 3 ? 1 : version == 2 ? 2 : 4);
  const int kbps = (version == 3 ? kKbpsV1 : kKbpsV2)[bitrate_index];
  const size_t length =
      static_cast<size_t>((version == 3 ? 144000 : 72000) * kbps / rate + padding);
  if (bytes.size() < length) return kNeedMore;
  const std::string_view head(bytes.data(), std::min<size_t>(length, 64));
  const bool info =
      head.find("Xing") != std::string_view::npos || head.find("Info") != std::string_view::npos;
  return info ? length : 0;
}

int sndfile_format(AudioFormat format) {
  switch (format) {
    case AudioFormat::kFlac:
      return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case AudioFormat::kMp3:
      return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    case AudioFormat::kOpus:
      return SF_FORMAT_OGG | SF_FORMAT_OPUS;
    default:
      fail(ErrorCode::kInternal,
           "no libsndfile encoder for " + std::string(audio_format_name(format)));
  }
}

class SndfileEncoder : public AudioEncoder {
 public:
  SndfileEncoder(AudioFormat format, int sample_rate, EncodeMode mode)
      : format_(format), mode_(mode), skip_info_frame_(format == AudioFormat::kMp3) {
    if (format == AudioFormat::kOpus && sample_rate != 8000 && sample_rate != 12000 &&
        sample_rate != 16000 && sample_rate != 24000 && sample_rate != 48000)
      fail(ErrorCode::kUnsupported,
           "opus needs 8, 12, 16, 24 or 48 kHz audio, not " + std::to_string(sample_rate) + " Hz");
    SF_INFO info{};
    info.samplerate = sample_rate;
    info.channels = 1;
    info.format = sndfile_format(format);
    file_ = sf_open_virtual(sink_.io(), SFM_WRITE, &info, &sink_);
    if (!file_)
      fail(ErrorCode::kUnsupported, std::string("cannot encode ") + audio_format_name(format) +
                                        " at " + std::to_string(sample_rate) +
                                        " Hz: " + sf_strerror(nullptr));
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
    if (format == AudioFormat::kMp3) {
      int bitrate_mode = SF_BITRATE_MODE_CONSTANT;  // 64 kb/s at 24 kHz: level (160-64)/152
      double level = 0.63;
      sf_command(file_, SFC_SET_BITRATE_MODE, &bitrate_mode, sizeof(bitrate_mode));
      sf_command(file_, SFC_SET_COMPRESSION_LEVEL, &level, sizeof(level));
    }
    if (format == AudioFormat::kOpus && mode == EncodeMode::kStream) {
      double page_latency_ms = 100.0;  // Ogg pages leave every 100 ms instead of every second
      sf_command(file_, SFC_SET_OGG_PAGE_LATENCY_MS, &page_latency_ms, sizeof(page_latency_ms));
    }
  }

  ~SndfileEncoder() override {
    if (file_) sf_close(file_);
  }

  std::string push(const float* samples, size_t count) override {
    if (!file_) fail(ErrorCode::kInternal, "audio encoder: push after finish");
    scratch_.resize(count);
    for (size_t i = 0; i < count; ++i) scratch_[i] = sanitize_sample(samples[i]);
    if (count && sf_write_float(file_, scratch_.data(), static_cast<sf_count_t>(count)) !=
                     static_cast<sf_count_t>(count))
      fail(ErrorCode::kInternal,
           std::string("cannot encode ") + audio_format_name(format_) + ": " + sf_strerror(file_));
    samples_written_ += count;
    return mode_ == EncodeMode::kStream ? take(false) : std::string();
  }

  std::string finish() override {
    if (!file_) fail(ErrorCode::kInternal, "audio encoder: finish twice");
    // A FLAC or Ogg Opus file without a single sample does not open in libsndfile's own
    // decoder: an empty stream holds one silent sample instead.
    if (format_ != AudioFormat::kMp3 && samples_written_ == 0) {
      const float silence = 0.0f;
      sf_write_float(file_, &silence, 1);
    }
    const int rc = sf_close(file_);
    file_ = nullptr;
    if (rc != 0)
      fail(ErrorCode::kInternal,
           std::string("cannot finish ") + audio_format_name(format_) + ": " + sf_error_number(rc));
    if (mode_ == EncodeMode::kWholeFile) return sink_.take();
    return held_ + take(true);
  }

 private:
  std::string take(bool last) {
    std::string bytes = sink_.take();
    if (!skip_info_frame_) return bytes;
    held_ += bytes;
    const size_t info = leading_info_frame(held_);
    if (info == kNeedMore && !last) return {};
    skip_info_frame_ = false;
    std::string out = held_.substr(info == kNeedMore ? 0 : info);
    held_.clear();
    return out;
  }

  AudioFormat format_;
  EncodeMode mode_;
  MemorySink sink_;
  SNDFILE* file_ = nullptr;
  std::vector<float> scratch_;
  size_t samples_written_ = 0;
  bool skip_info_frame_;  // MP3 streams, until the first frame is seen
  std::string held_;      // bytes held back until the first MP3 frame is complete
};

}  // namespace

std::unique_ptr<AudioEncoder> make_sndfile_encoder(AudioFormat format, int sample_rate,
                                                   EncodeMode mode) {
  return std::make_unique<SndfileEncoder>(format, sample_rate, mode);
}

}  // namespace chatterbox::server
