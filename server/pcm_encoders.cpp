#include "server/pcm_encoders.h"

#include <cmath>
#include <cstdint>

#include "engine/common/error.h"

namespace chatterbox::server {
namespace {

void append_le(std::string& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void append_s16(std::string& out, const float* samples, size_t count) {
  out.reserve(out.size() + 2 * count);
  for (size_t i = 0; i < count; ++i) {
    const auto s = static_cast<int16_t>(std::lrint(sanitize_sample(samples[i]) * 32767.0f));
    append_le(out, static_cast<uint16_t>(s), 2);
  }
}

class PcmEncoder : public AudioEncoder {
 public:
  std::string push(const float* samples, size_t count) override {
    if (finished_) fail(ErrorCode::kInternal, "pcm encoder: push after finish");
    std::string out;
    append_s16(out, samples, count);
    return out;
  }
  std::string finish() override {
    if (finished_) fail(ErrorCode::kInternal, "pcm encoder: finish twice");
    finished_ = true;
    return {};
  }

 private:
  bool finished_ = false;
};

class WavEncoder : public AudioEncoder {
 public:
  WavEncoder(int sample_rate, EncodeMode mode) : sample_rate_(sample_rate), mode_(mode) {}

  std::string push(const float* samples, size_t count) override {
    if (finished_) fail(ErrorCode::kInternal, "wav encoder: push after finish");
    if (mode_ == EncodeMode::kWholeFile) {
      append_s16(data_, samples, count);
      if (data_.size() > 0xFFFFFFFFu - 36)
        fail(ErrorCode::kResourceExhausted, "wav encoder: audio exceeds the 4 GiB WAV limit");
      return {};
    }
    std::string out;
    if (!header_sent_) out = wav_header(sample_rate_, kWavUnknownSize);
    header_sent_ = true;
    append_s16(out, samples, count);
    return out;
  }

  std::string finish() override {
    if (finished_) fail(ErrorCode::kInternal, "wav encoder: finish twice");
    finished_ = true;
    if (mode_ == EncodeMode::kWholeFile)
      return wav_header(sample_rate_, static_cast<uint32_t>(data_.size())) + data_;
    return header_sent_ ? std::string() : wav_header(sample_rate_, kWavUnknownSize);
  }

 private:
  int sample_rate_;
  EncodeMode mode_;
  bool header_sent_ = false;
  bool finished_ = false;
  std::string data_;
};

}  // namespace

float sanitize_sample(float x) {
  if (std::isnan(x)) return 0.0f;
  return x < -1.0f ? -1.0f : (x > 1.0f ? 1.0f : x);
}

std::string wav_header(int sample_rate, uint32_t data_bytes) {
  const uint32_t riff = data_bytes == kWavUnknownSize ? kWavUnknownSize : 36 + data_bytes;
  std::string h = "RIFF";
  append_le(h, riff, 4);
  h += "WAVEfmt ";
  append_le(h, 16, 4);  // fmt chunk size
  append_le(h, 1, 2);   // PCM
  append_le(h, 1, 2);   // mono
  append_le(h, static_cast<uint32_t>(sample_rate), 4);
  append_le(h, static_cast<uint32_t>(sample_rate) * 2, 4);  // byte rate
  append_le(h, 2, 2);                                       // block align
  append_le(h, 16, 2);                                      // bits per sample
  h += "data";
  append_le(h, data_bytes, 4);
  return h;
}

std::unique_ptr<AudioEncoder> make_pcm_encoder() {
  return std::make_unique<PcmEncoder>();
}

std::unique_ptr<AudioEncoder> make_wav_encoder(int sample_rate, EncodeMode mode) {
  return std::make_unique<WavEncoder>(sample_rate, mode);
}

}  // namespace chatterbox::server
