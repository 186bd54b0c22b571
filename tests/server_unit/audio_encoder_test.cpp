#include "server/audio_encoder.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <cstring>

#include "engine/common/error.h"
#include "server/pcm_encoders.h"

namespace chatterbox::server {
namespace {

constexpr int kRate = 24000;

struct Decoded {
  int rate = 0, channels = 0;
  std::vector<float> samples;
};

struct Reader {
  const std::string* bytes;
  sf_count_t pos = 0;
  static sf_count_t length(void* u) { return static_cast<Reader*>(u)->bytes->size(); }
  static sf_count_t seek(sf_count_t off, int whence, void* u) {
    auto* r = static_cast<Reader*>(u);
    r->pos = whence == SEEK_SET ? off : whence == SEEK_CUR ? r->pos + off : length(u) + off;
    return r->pos;
  }
  static sf_count_t read(void* p, sf_count_t n, void* u) {
    auto* r = static_cast<Reader*>(u);
    const sf_count_t k = std::max<sf_count_t>(0, std::min<sf_count_t>(n, length(u) - r->pos));
    std::memcpy(p, r->bytes->data() + r->pos, k);
    r->pos += k;
    return k;
  }
  static sf_count_t tell(void* u) { return static_cast<Reader*>(u)->pos; }
};

// Decodes with libsndfile from memory, as a client's decoder would.
Decoded decode(const std::string& bytes) {
  Reader reader{&bytes};
  SF_VIRTUAL_IO io = {&Reader::length, &Reader::seek, &Reader::read, nullptr, &Reader::tell};
  SF_INFO info{};
  SNDFILE* file = sf_open_virtual(&io, SFM_READ, &info, &reader);
  if (!file) throw std::runtime_error(std::string("decode: ") + sf_strerror(nullptr));
  Decoded d{info.samplerate, info.channels, {}};
  std::vector<float> block(4096);
  sf_count_t n;
  while ((n = sf_readf_float(file, block.data(), 4096 / std::max(1, info.channels))) > 0)
    d.samples.insert(d.samples.end(), block.begin(), block.begin() + n * info.channels);
  sf_close(file);
  return d;
}

// A tone with a slow glide, in chunks as the engine sends them.
std::vector<std::vector<float>> chunks(int count, int size) {
  std::vector<std::vector<float>> out(count, std::vector<float>(size));
  for (int c = 0; c < count; ++c)
    for (int i = 0; i < size; ++i) {
      const double t = double(c * size + i) / kRate;
      out[c][i] = static_cast<float>(0.4 * std::sin(2 * M_PI * (220 + 40 * t) * t));
    }
  return out;
}

struct Encoded {
  std::string bytes;
  size_t before_finish = 0;  // bytes handed out by push()
};

Encoded encode(AudioFormat format, EncodeMode mode, const std::vector<std::vector<float>>& input) {
  auto encoder = make_audio_encoder(format, kRate, mode);
  Encoded e;
  for (const auto& chunk : input) e.bytes += encoder->push(chunk);
  e.before_finish = e.bytes.size();
  e.bytes += encoder->finish();
  return e;
}

class AudioEncoderFormats : public ::testing::TestWithParam<std::tuple<AudioFormat, EncodeMode>> {};

TEST_P(AudioEncoderFormats, DecodesBackAtTheRateAndLength) {
  const auto [format, mode] = GetParam();
  const auto input = chunks(50, 2400);  // 5 s in 100 ms chunks
  const size_t total = 50 * 2400;
  const Encoded e = encode(format, mode, input);
  if (format == AudioFormat::kPcm) {
    ASSERT_EQ(e.bytes.size(), 2 * total);
    EXPECT_EQ(e.before_finish, e.bytes.size());
    return;
  }
  const Decoded d = decode(e.bytes);
  EXPECT_EQ(d.rate, kRate);
  EXPECT_EQ(d.channels, 1);
  const bool lossy = format == AudioFormat::kMp3 || format == AudioFormat::kOpus;
  if (lossy) {
    // Encoder delay and padding to whole frames (MP3 without its info frame keeps them).
    EXPECT_GE(d.samples.size(), total);
    EXPECT_LE(d.samples.size(), total + 3000);
  } else {
    ASSERT_EQ(d.samples.size(), total);
    double max_error = 0;
    for (size_t i = 0; i < total; ++i)
      max_error = std::max(max_error, std::fabs(double(d.samples[i]) - input[i / 2400][i % 2400]));
    EXPECT_LT(max_error, 1.0 / 16000);  // 16-bit quantisation
  }
  if (mode == EncodeMode::kStream) {
    EXPECT_GT(e.before_finish, e.bytes.size() / 2) << "a stream hands out bytes before finish()";
  } else {
    EXPECT_EQ(e.before_finish, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, AudioEncoderFormats,
    ::testing::Combine(::testing::Values(AudioFormat::kWav, AudioFormat::kPcm, AudioFormat::kFlac,
                                         AudioFormat::kMp3, AudioFormat::kOpus),
                       ::testing::Values(EncodeMode::kStream, EncodeMode::kWholeFile)),
    [](const auto& info) {
      return std::string(audio_format_name(std::get<0>(info.param))) +
             (std::get<1>(info.param) == EncodeMode::kStream ? "_stream" : "_whole");
    });

TEST(AudioEncoder, PcmIsS16LittleEndianClipped) {
  auto encoder = make_audio_encoder(AudioFormat::kPcm, kRate);
  const std::string bytes = encoder->push({0.0f, 1.0f, -1.0f, 2.0f, -3.0f, NAN, 0.5f});
  const std::string expected("\x00\x00\xff\x7f\x01\x80\xff\x7f\x01\x80\x00\x00\x00\x40", 14);
  EXPECT_EQ(bytes, expected);
  EXPECT_EQ(encoder->finish(), "");
  EXPECT_THROW(encoder->push({0.0f}), Error);
}

TEST(AudioEncoder, StreamedWavHeaderHasUnknownSizes) {
  auto encoder = make_audio_encoder(AudioFormat::kWav, kRate, EncodeMode::kStream);
  const std::string first = encoder->push(std::vector<float>(10, 0.25f));
  ASSERT_EQ(first.size(), 44u + 20u);
  EXPECT_EQ(first.substr(0, 4), "RIFF");
  EXPECT_EQ(first.substr(4, 4), std::string(4, '\xff'));
  EXPECT_EQ(first.substr(36, 4), "data");
  EXPECT_EQ(first.substr(40, 4), std::string(4, '\xff'));
  EXPECT_EQ(encoder->push(std::vector<float>(3, 0.0f)).size(), 6u);  // no second header
  EXPECT_EQ(encoder->finish(), "");
}

TEST(AudioEncoder, WholeWavHasExactSizes) {
  auto encoder = make_audio_encoder(AudioFormat::kWav, kRate, EncodeMode::kWholeFile);
  EXPECT_EQ(encoder->push(std::vector<float>(100, 0.1f)), "");
  const std::string file = encoder->finish();
  ASSERT_EQ(file.size(), 44u + 200u);
  EXPECT_EQ(file.substr(0, 44), wav_header(kRate, 200));
  auto le32 = [&](size_t at) {
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | uint8_t(file[at + i]);
    return v;
  };
  EXPECT_EQ(le32(4), 236u);
  EXPECT_EQ(le32(24), 24000u);
  EXPECT_EQ(le32(40), 200u);
  EXPECT_EQ(decode(file).samples.size(), 100u);
}

TEST(AudioEncoder, EmptyStreamsAreValidFiles) {
  for (AudioFormat format :
       {AudioFormat::kWav, AudioFormat::kFlac, AudioFormat::kMp3, AudioFormat::kOpus}) {
    for (EncodeMode mode : {EncodeMode::kStream, EncodeMode::kWholeFile}) {
      auto encoder = make_audio_encoder(format, kRate, mode);
      const std::string bytes = encoder->finish();
      if (format == AudioFormat::kMp3) continue;  // MP3 has no header: no frames, no bytes
      SCOPED_TRACE(std::string(audio_format_name(format)) +
                   (mode == EncodeMode::kStream ? " stream" : " whole file"));
      ASSERT_FALSE(bytes.empty());
      Decoded d;
      ASSERT_NO_THROW(d = decode(bytes));
      EXPECT_EQ(d.rate, kRate);
      EXPECT_LE(d.samples.size(), 1u);  // FLAC, Opus: one silent sample
    }
  }
}

TEST(AudioEncoder, RefusesUnsupportedFormatsAndRates) {
  try {
    parse_audio_format("aac");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("wav, pcm, flac, mp3, opus"), std::string::npos);
  }
  EXPECT_EQ(parse_audio_format("MP3"), AudioFormat::kMp3);
  try {
    make_audio_encoder(AudioFormat::kOpus, 22050);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  }
  EXPECT_STREQ(audio_format_mime_type(AudioFormat::kMp3), "audio/mpeg");
}

}  // namespace
}  // namespace chatterbox::server
