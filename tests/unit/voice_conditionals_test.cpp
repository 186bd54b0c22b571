// Voices from real reference speech with the pattern S3Gen front ends and voice encoder:
// conditionals are finite, repeatable, independent of the upload's container/rate/channels, and
// bad uploads fail with typed errors.

#include <gtest/gtest.h>
#include <sndfile.h>

#include <vector>

#include "engine/common/error.h"
#include "engine/dsp/audio_file.h"
#include "engine/dsp/resample_soxr.h"
#include "engine/io/param_layout.h"
#include "engine/pipeline/conditionals.h"
#include "tests/parity/s3gen_frontend_models.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

using pipeline::Conditionals;

class VoiceConditionalsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    embedder_ = new models::s3gen::ReferenceEmbedder(testing::pattern_s3_tokenizer(),
                                                     testing::pattern_campplus());
    voice_encoder_ = new voice_encoder::VoiceEncoder(
        voice_encoder::VoiceEncoder::load(io::pattern_state_dict("ve")));
  }
  static void TearDownTestSuite() {
    delete embedder_;
    delete voice_encoder_;
  }

  static pipeline::VoiceModels models() { return {embedder_, voice_encoder_}; }

  static Conditionals voice(const dsp::Audio& audio, Variant variant = Variant::kOriginal) {
    torch::NoGradGuard no_grad;
    return pipeline::prepare_conditionals(audio, variant, 0.5, models());
  }

  static ErrorCode upload_error(const std::string& bytes, Variant variant,
                                const dsp::AudioLimits& limits = {}) {
    try {
      torch::NoGradGuard no_grad;
      pipeline::prepare_conditionals_from_bytes(bytes, variant, 0.5, models(), limits);
    } catch (const Error& e) {
      return e.code();
    }
    ADD_FAILURE() << "no error raised";
    return ErrorCode::kInternal;
  }

  static models::s3gen::ReferenceEmbedder* embedder_;
  static voice_encoder::VoiceEncoder* voice_encoder_;
};

models::s3gen::ReferenceEmbedder* VoiceConditionalsTest::embedder_ = nullptr;
voice_encoder::VoiceEncoder* VoiceConditionalsTest::voice_encoder_ = nullptr;

void expect_well_formed(const Conditionals& c, double seconds) {
  c.validate();
  EXPECT_TRUE(torch::isfinite(c.t3.speaker_emb).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(c.gen.prompt_feat).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(c.gen.embedding).all().item<bool>());
  EXPECT_NEAR(c.t3.speaker_emb.norm().item<double>(), 1.0, 1e-4);  // VE output is L2-normalised
  const int64_t prompt = c.t3.cond_prompt_speech_tokens.size(1);
  EXPECT_GT(prompt, 0);
  EXPECT_LE(prompt, 150);
  EXPECT_NEAR(static_cast<double>(prompt), std::min(seconds, 6.0) * 25, 2.0);
  EXPECT_EQ(c.gen.prompt_feat.size(1), 2 * c.gen.prompt_token.size(1));
  EXPECT_TRUE((c.gen.prompt_token >= 0).all().item<bool>());
  EXPECT_TRUE((c.gen.prompt_token < 6561).all().item<bool>());
}

TEST_F(VoiceConditionalsTest, RealSpeechGivesFiniteRepeatableConditionals) {
  const dsp::Audio clip = dsp::read_audio_file(testing::audio_path("BAC009S0764W0121.wav"));
  const Conditionals first = voice(clip);
  expect_well_formed(first, clip.seconds());
  const Conditionals second = voice(clip);
  EXPECT_TENSORS_EQUAL(second.t3.speaker_emb, first.t3.speaker_emb);
  EXPECT_TENSORS_EQUAL(second.t3.cond_prompt_speech_tokens, first.t3.cond_prompt_speech_tokens);
  EXPECT_TENSORS_EQUAL(second.gen.prompt_feat, first.gen.prompt_feat);
  EXPECT_TENSORS_EQUAL(second.gen.embedding, first.gen.embedding);
}

TEST_F(VoiceConditionalsTest, StereoFlacAt44kWorksLikeTheOriginal) {
  const dsp::Audio clip = dsp::read_audio_file(testing::audio_path("BAC009S0764W0121.wav"));
  const torch::Tensor up = dsp::resample_soxr_hq(clip.samples, 16000, 44100).contiguous();
  std::vector<float> frames;
  const float* data = up.data_ptr<float>();
  for (int64_t i = 0; i < up.numel(); ++i) {
    frames.push_back(data[i]);
    frames.push_back(data[i]);
  }
  testing::TempDir dir;
  SF_INFO info{};
  info.channels = 2;
  info.samplerate = 44100;
  info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  SNDFILE* file = sf_open(dir.file("voice.flac").c_str(), SFM_WRITE, &info);
  ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
  sf_writef_float(file, frames.data(), static_cast<sf_count_t>(up.numel()));
  sf_close(file);

  const Conditionals converted =
      voice(dsp::read_audio_bytes(testing::read_bytes(dir.file("voice.flac"))));
  expect_well_formed(converted, clip.seconds());
  const Conditionals original = voice(clip);
  // Two resampling paths of the same speech: the voice is the same one.
  const double cosine = (converted.t3.speaker_emb * original.t3.speaker_emb).sum().item<double>();
  EXPECT_GT(cosine, 0.99);
  EXPECT_NEAR(converted.t3.cond_prompt_speech_tokens.size(1),
              original.t3.cond_prompt_speech_tokens.size(1), 1);
}

TEST_F(VoiceConditionalsTest, BadUploadsGiveTypedErrors) {
  EXPECT_NE(upload_error("", Variant::kOriginal), ErrorCode::kInternal);
  EXPECT_EQ(upload_error("this is plain text, not audio, and it goes on for a while....",
                         Variant::kOriginal),
            ErrorCode::kInvalidArgument);
  const std::string wav = testing::read_bytes(testing::audio_path("BAC009S0764W0121.wav"));
  EXPECT_EQ(upload_error(wav.substr(0, 30), Variant::kOriginal), ErrorCode::kCorruptData);
  dsp::AudioLimits short_limit;
  short_limit.max_seconds = 1.0;
  EXPECT_EQ(upload_error(wav, Variant::kOriginal, short_limit), ErrorCode::kResourceExhausted);
  // Turbo needs more than 5 s of reference; this clip has about 4.2 s.
  EXPECT_EQ(upload_error(wav, Variant::kTurbo), ErrorCode::kInvalidArgument);
}

TEST_F(VoiceConditionalsTest, EmptyAudioIsRejected) {
  dsp::Audio empty{torch::zeros({0}), 16000, 1};
  try {
    voice(empty);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace chatterbox
