#include "engine/dsp/audio_file.h"

#include <gtest/gtest.h>
#include <sndfile.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <vector>

#include "engine/common/error.h"
#include "engine/dsp/resample_soxr.h"
#include "engine/dsp/vorbis_headers.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

using dsp::Audio;
using dsp::AudioLimits;

const char* kClipA = "BAC009S0764W0121.wav";
const char* kClipB = "BAC009S0764W0122.wav";

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class AudioFileTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.file(name); }

  // Writes interleaved float frames with libsndfile in the given container/encoding.
  void write_frames(const std::string& file, const std::vector<float>& interleaved, int channels,
                    int rate, int format) {
    SF_INFO info{};
    info.channels = channels;
    info.samplerate = rate;
    info.format = format;
    SNDFILE* f = sf_open(path(file).c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    const sf_count_t frames = static_cast<sf_count_t>(interleaved.size()) / channels;
    EXPECT_EQ(sf_writef_float(f, interleaved.data(), frames), frames);
    sf_close(f);
  }

  ErrorCode error_of(const std::string& bytes, const AudioLimits& limits = {},
                     std::string* message = nullptr) {
    try {
      dsp::read_audio_bytes(bytes, limits);
    } catch (const Error& e) {
      if (message) *message = e.what();
      return e.code();
    }
    ADD_FAILURE() << "no error raised";
    return ErrorCode::kInternal;
  }

  testing::TempDir dir_;
};

std::vector<float> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

TEST_F(AudioFileTest, ReadsTheReferenceClipsLikeTheReference) {
  const Audio a = dsp::read_audio_file(testing::audio_path(kClipA));
  const Audio b = dsp::read_audio_file(testing::audio_path(kClipB));
  for (const Audio* clip : {&a, &b}) {
    EXPECT_EQ(clip->sample_rate, 16000);
    EXPECT_EQ(clip->source_channels, 1);
    EXPECT_EQ(clip->samples.dtype(), torch::kFloat32);
    EXPECT_GT(clip->seconds(), 3.5);
    EXPECT_LT(clip->seconds(), 5.0);
    EXPECT_LE(clip->samples.abs().max().item<float>(), 1.0f);
    EXPECT_GT(clip->samples.abs().max().item<float>(), 0.01f);  // real speech, not silence
  }
  // The goldens hold these clips decoded as int16 / 32768: identical values.
  const auto ve = testing::load_golden("ve");
  EXPECT_TENSORS_EQUAL(a.samples.narrow(0, 0, 64000), ve["wav16"]);
  const auto turbo = testing::load_golden("e2e_turbo");
  EXPECT_TENSORS_EQUAL(torch::cat({a.samples, b.samples}), turbo["wav16"]);
}

TEST_F(AudioFileTest, ReadsFromMemoryExactlyAsFromAPath) {
  const std::string file = testing::audio_path(kClipA);
  const Audio from_path = dsp::read_audio_file(file);
  const Audio from_bytes = dsp::read_audio_bytes(read_bytes(file));
  EXPECT_EQ(from_bytes.sample_rate, from_path.sample_rate);
  EXPECT_TENSORS_EQUAL(from_bytes.samples, from_path.samples);
}

TEST_F(AudioFileTest, FlacRoundTripIsLossless) {
  const Audio clip = dsp::read_audio_file(testing::audio_path(kClipA));
  write_frames("clip.flac", to_vector(clip.samples), 1, 16000, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  const Audio flac = dsp::read_audio_bytes(read_bytes(path("clip.flac")));
  EXPECT_EQ(flac.sample_rate, 16000);
  EXPECT_TENSORS_EQUAL(flac.samples, clip.samples);
}

TEST_F(AudioFileTest, StereoIsDownmixedByTheChannelMean) {
  const Audio clip = dsp::read_audio_file(testing::audio_path(kClipA));
  const std::vector<float> mono = to_vector(clip.samples);
  std::vector<float> stereo;
  for (float v : mono) {
    stereo.push_back(v);
    stereo.push_back(0.5f * v);  // both exact in PCM16 only when even; use float WAV
  }
  write_frames("stereo.wav", stereo, 2, 16000, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  const Audio read = dsp::read_audio_file(path("stereo.wav"));
  EXPECT_EQ(read.source_channels, 2);
  EXPECT_EQ(read.samples.size(0), clip.samples.size(0));
  EXPECT_TENSORS_EQUAL(read.samples, (clip.samples + 0.5f * clip.samples) / 2.0f);
}

// The decoder reads at most 2^18 samples at a time whatever the channel count (a 1024-channel
// header no longer makes it take 128 MB): 600 frames of 1024 channels take three reads.
TEST_F(AudioFileTest, ManyChannelsAreReadInSmallChunks) {
  constexpr int kChannels = 1024, kFrames = 600;
  std::vector<float> interleaved;
  for (int f = 0; f < kFrames; ++f)
    for (int c = 0; c < kChannels; ++c) interleaved.push_back(c == f % kChannels ? 1.0f : 0.0f);
  write_frames("wide.wav", interleaved, kChannels, 8000, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  const Audio read = dsp::read_audio_bytes(read_bytes(path("wide.wav")));
  EXPECT_EQ(read.source_channels, kChannels);
  ASSERT_EQ(read.samples.size(0), kFrames);
  EXPECT_TENSORS_EQUAL(read.samples, torch::full({kFrames}, 1.0f / kChannels));
}

TEST_F(AudioFileTest, A44kFileReadsAtItsRateAndResamplesBack) {
  const Audio clip = dsp::read_audio_file(testing::audio_path(kClipA));
  const torch::Tensor up = dsp::resample_soxr_hq(clip.samples, 16000, 44100);
  EXPECT_EQ(up.size(0), dsp::resampled_length(clip.samples.size(0), 16000, 44100));
  write_frames("clip44.wav", to_vector(up), 1, 44100, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  const Audio read = dsp::read_audio_file(path("clip44.wav"));
  EXPECT_EQ(read.sample_rate, 44100);
  EXPECT_TENSORS_EQUAL(read.samples, up);
  const Audio at24 = dsp::to_rate(read, 24000);
  EXPECT_EQ(at24.sample_rate, 24000);
  EXPECT_EQ(at24.samples.size(0), dsp::resampled_length(up.size(0), 44100, 24000));
  // ceil twice: one sample more than the original.
  const int64_t n = clip.samples.size(0);
  const torch::Tensor back = dsp::resample_soxr_hq(read.samples, 44100, 16000);
  ASSERT_EQ(back.size(0), n + 1);
  // Speech keeps its waveform through 16k -> 44.1k -> 16k (only the band edge is lost).
  const double err = (back.narrow(0, 0, n) - clip.samples).square().mean().item<double>();
  const double power = clip.samples.square().mean().item<double>();
  EXPECT_LT(10.0 * std::log10(err / power), -40.0);
}

// The README promises MP3 uploads; scripts/setup.sh installs Debian 12's libsndfile (1.2), which
// reads and writes MPEG. A libsndfile without it fails here rather than skipping.
TEST_F(AudioFileTest, Mp3Decodes) {
  SF_INFO probe{};
  probe.channels = 1;
  probe.samplerate = 16000;
  probe.format = SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
  ASSERT_TRUE(sf_format_check(&probe))
      << "this libsndfile (" << sf_version_string() << ") has no MP3 support";
  const Audio clip = dsp::read_audio_file(testing::audio_path(kClipA));
  write_frames("clip.mp3", to_vector(clip.samples), 1, 16000, probe.format);
  const Audio mp3 = dsp::read_audio_bytes(read_bytes(path("clip.mp3")));
  EXPECT_EQ(mp3.sample_rate, 16000);
  EXPECT_NEAR(mp3.seconds(), clip.seconds(), 0.2);
  EXPECT_TRUE(torch::isfinite(mp3.samples).all().item<bool>());
}

TEST_F(AudioFileTest, WavWriterRoundTrips) {
  const torch::Tensor sine = 0.5 * torch::sin(torch::arange(2400, torch::kFloat32) * 0.05);
  dsp::write_wav_file(path("f.wav"), sine, 24000, dsp::WavEncoding::kFloat32);
  const Audio f = dsp::read_audio_file(path("f.wav"));
  EXPECT_EQ(f.sample_rate, 24000);
  EXPECT_TENSORS_EQUAL(f.samples, sine);

  const std::string pcm = dsp::encode_wav(sine, 24000, dsp::WavEncoding::kPcm16);
  EXPECT_EQ(pcm.size(), 44u + 2u * 2400u);
  const Audio p = dsp::read_audio_bytes(pcm);
  EXPECT_EQ(p.sample_rate, 24000);
  EXPECT_TENSORS_CLOSE(p.samples, sine, 1.0 / 32767);

  // Out-of-range samples clip rather than wrap around.
  const std::string loud = dsp::encode_wav(torch::full({100}, 1.5f), 24000);
  EXPECT_GT(dsp::read_audio_bytes(loud).samples.min().item<float>(), 0.99f);
}

TEST_F(AudioFileTest, EmptyAndNonAudioInputsAreInvalidArguments) {
  std::string message;
  EXPECT_EQ(error_of("", {}, &message), ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("empty"), std::string::npos) << message;
  EXPECT_EQ(error_of("this is a text file, not a recording\n", {}, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("not audio"), std::string::npos) << message;
  EXPECT_EQ(error_of(std::string(4096, '\x5a')), ErrorCode::kInvalidArgument);
}

TEST_F(AudioFileTest, DamagedFilesAreCorruptData) {
  const std::string wav = read_bytes(testing::audio_path(kClipA));
  // A WAV cut inside its header.
  EXPECT_EQ(error_of(wav.substr(0, 30)), ErrorCode::kCorruptData);

  // A FLAC stream cut in half: the header announces more frames than can be decoded.
  const Audio clip = dsp::read_audio_file(testing::audio_path(kClipA));
  write_frames("clip.flac", to_vector(clip.samples), 1, 16000, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  const std::string flac = read_bytes(path("clip.flac"));
  std::string message;
  EXPECT_EQ(error_of(flac.substr(0, flac.size() / 2), {}, &message), ErrorCode::kCorruptData);
  EXPECT_FALSE(message.empty());

  // A header declaring zero channels.
  std::string zero_channels = wav;
  zero_channels[22] = 0;
  zero_channels[23] = 0;
  EXPECT_EQ(error_of(zero_channels), ErrorCode::kCorruptData);

  // Float samples that are not numbers.
  std::vector<float> bad(1600, 0.1f);
  bad[800] = std::numeric_limits<float>::quiet_NaN();
  write_frames("nan.wav", bad, 1, 16000, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  EXPECT_EQ(error_of(read_bytes(path("nan.wav"))), ErrorCode::kCorruptData);
}

// A WAV whose data chunk is cut short decodes the samples that are there (as soundfile does);
// one with no samples at all is refused.
TEST_F(AudioFileTest, CutWavDecodesItsPrefix) {
  const std::string wav = read_bytes(testing::audio_path(kClipA));
  const Audio clip = dsp::read_audio_bytes(wav);
  const Audio half = dsp::read_audio_bytes(wav.substr(0, 44 + 2 * 10000));
  EXPECT_TENSORS_EQUAL(half.samples, clip.samples.narrow(0, 0, 10000));
  EXPECT_EQ(error_of(wav.substr(0, 44)), ErrorCode::kInvalidArgument);
}

TEST_F(AudioFileTest, ZeroSampleRateIsRejected) {
  std::string wav = read_bytes(testing::audio_path(kClipA));
  for (int i = 24; i < 28; ++i) wav[i] = 0;  // fmt sample rate
  const ErrorCode code = error_of(wav);
  EXPECT_TRUE(code == ErrorCode::kCorruptData || code == ErrorCode::kInvalidArgument)
      << error_code_name(code);
}

TEST_F(AudioFileTest, LimitsAreResourceExhausted) {
  const std::string wav = read_bytes(testing::audio_path(kClipA));
  AudioLimits short_limit;
  short_limit.max_seconds = 1.0;
  std::string message;
  EXPECT_EQ(error_of(wav, short_limit, &message), ErrorCode::kResourceExhausted);
  EXPECT_NE(message.find("1.0 s"), std::string::npos) << message;
  AudioLimits small_limit;
  small_limit.max_bytes = 1000;
  EXPECT_EQ(error_of(wav, small_limit), ErrorCode::kResourceExhausted);
  // A limit the clip fits in accepts it.
  AudioLimits fits;
  fits.max_seconds = 5.0;
  fits.max_bytes = wav.size();
  EXPECT_NO_THROW(dsp::read_audio_bytes(wav, fits));
}

TEST_F(AudioFileTest, MissingPathIsNotFound) {
  try {
    dsp::read_audio_file(path("nowhere.wav"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace chatterbox

namespace chatterbox {
namespace {

class VorbisHeadersTest : public AudioFileTest {
 protected:
  // One second of a tone in `format`, as the bytes of the file libsndfile wrote.
  std::string tone(int format) {
    std::vector<float> frames(16000);
    for (size_t i = 0; i < frames.size(); ++i)
      frames[i] = 0.3f * std::sin(static_cast<float>(i) * 0.05f);
    write_frames("tone", frames, 1, 16000, format);
    return read_bytes(path("tone"));
  }
};

// libsndfile 1.2 leaks its Vorbis state on Ogg Vorbis bytes whose headers it gives up on, so
// those are refused before it sees them (dsp/vorbis_headers.h); the rest is its business.
TEST_F(VorbisHeadersTest, MalformedHeadersAreRefusedBeforeLibsndfile) {
  const std::string vorbis = tone(SF_FORMAT_OGG | SF_FORMAT_VORBIS);
  EXPECT_EQ(dsp::check_vorbis_headers(vorbis.data(), vorbis.size()), dsp::VorbisHeaders::kReadable);
  EXPECT_EQ(dsp::read_audio_bytes(vorbis).sample_rate, 16000);

  // The identification header's page alone: the comment and setup headers are missing.
  const size_t second_page = vorbis.find("OggS", 4);
  ASSERT_NE(second_page, std::string::npos);
  const std::string first_page = vorbis.substr(0, second_page);
  EXPECT_EQ(dsp::check_vorbis_headers(first_page.data(), first_page.size()),
            dsp::VorbisHeaders::kMalformed);
  std::string message;
  EXPECT_EQ(error_of(first_page, {}, &message), ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("malformed headers"), std::string::npos) << message;
  try {
    dsp::probe_audio_bytes(first_page);
    ADD_FAILURE() << "the header probe accepted malformed Vorbis headers";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
  }

  // A setup header cut short (its page's checksum then fails, so the page is missing).
  std::string cut = vorbis;
  const size_t third_page = vorbis.find("OggS", second_page + 4);
  ASSERT_NE(third_page, std::string::npos);
  cut[third_page - 40] = static_cast<char>(cut[third_page - 40] ^ 0x5a);
  EXPECT_EQ(dsp::check_vorbis_headers(cut.data(), cut.size()), dsp::VorbisHeaders::kMalformed);
  EXPECT_EQ(error_of(cut), ErrorCode::kInvalidArgument);
}

// The header probe (an upload's first look) sees what decoding would, without the samples.
TEST_F(VorbisHeadersTest, HeaderProbeAgreesWithDecoding) {
  for (const int format : {SF_FORMAT_OGG | SF_FORMAT_VORBIS, SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                           SF_FORMAT_FLAC | SF_FORMAT_PCM_16}) {
    const std::string bytes = tone(format);
    const dsp::AudioHeader header = dsp::probe_audio_bytes(bytes);
    EXPECT_EQ(header.sample_rate, 16000) << std::hex << format;
    EXPECT_EQ(header.channels, 1) << std::hex << format;
    EXPECT_NEAR(header.seconds, 1.0, 0.01) << std::hex << format;
    const AudioLimits half_a_second{size_t{1} << 20, 0.5};
    EXPECT_EQ(error_of(bytes, half_a_second), ErrorCode::kResourceExhausted);
    EXPECT_THROW(dsp::probe_audio_bytes(bytes, half_a_second), Error) << std::hex << format;
  }
  EXPECT_THROW(dsp::probe_audio_bytes(std::string("RIFF not really")), Error);
  EXPECT_THROW(dsp::probe_audio_bytes(std::string()), Error);
}

TEST_F(VorbisHeadersTest, OtherAudioIsLeftToLibsndfile) {
  for (const int format : {SF_FORMAT_OGG | SF_FORMAT_OPUS, SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                           SF_FORMAT_FLAC | SF_FORMAT_PCM_16}) {
    const std::string bytes = tone(format);
    EXPECT_EQ(dsp::check_vorbis_headers(bytes.data(), bytes.size()), dsp::VorbisHeaders::kNotVorbis)
        << std::hex << format;
    EXPECT_GT(dsp::read_audio_bytes(bytes).samples.numel(), 0) << std::hex << format;
  }
  const std::string junk = "OggS and then nothing an Ogg page could be";
  EXPECT_EQ(dsp::check_vorbis_headers(junk.data(), junk.size()), dsp::VorbisHeaders::kNotVorbis);
  EXPECT_EQ(dsp::check_vorbis_headers("", 0), dsp::VorbisHeaders::kNotVorbis);
}

}  // namespace
}  // namespace chatterbox
