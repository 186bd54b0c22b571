// Every pipeline runs end to end on full-size pattern weights with a real reference clip: text
// (or source speech) in, finite, non-constant 24 kHz audio of exactly the length the pipeline's
// rules give out, the same for the same seed and different for another; a voice made for another
// variant is refused; and a checkpoint directory's built-in voice speaks when no voice is given.

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/common/error.h"
#include "engine/dsp/audio_file.h"
#include "engine/dsp/resample_soxr.h"
#include "engine/io/param_layout.h"
#include "engine/io/pattern_checkpoint.h"
#include "engine/pipeline/pipeline.h"
#include "engine/text/en_tokenizer.h"
#include "engine/text/mtl_tokenizer.h"
#include "engine/text/turbo_tokenizer.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {

// Test names and failure messages show the variant's name.
void PrintTo(Variant variant, std::ostream* os) {
  *os << variant_name(variant);
}

namespace {

constexpr int64_t kMaxTokens = 4;

std::unique_ptr<text::TextTokenizer> golden_tokenizer(Variant variant) {
  const std::string dir = testing::goldens_dir();
  switch (variant) {
    case Variant::kMultilingual:
      return std::make_unique<text::MtlTokenizer>(
          text::MtlTokenizer::from_files(dir + "/mtl_tokenizer.json", ""));
    case Variant::kTurbo:
    case Variant::kNano:
      return std::make_unique<text::TurboTokenizer>(
          text::TurboTokenizer::from_directory(dir + "/turbo_tokenizer"));
    default:
      return std::make_unique<text::EnTokenizer>(
          text::EnTokenizer::from_file(dir + "/tokenizer.json"));
  }
}

std::unique_ptr<pipeline::Pipeline> pattern_pipeline(Variant variant) {
  pipeline::PipelineWeights weights;
  weights.s3gen = io::pattern_state_dict(io::s3gen_layout_name(variant));
  if (variant != Variant::kVoiceConversion) {
    weights.t3 = io::pattern_state_dict(io::t3_layout_name(variant));
    weights.voice_encoder = io::pattern_state_dict("ve");
    weights.tokenizer = golden_tokenizer(variant);
  }
  pipeline::PipelineLoadOptions options;
  options.device = testing::test_device();
  return pipeline::Pipeline::from_weights(variant, std::move(weights), options);
}

// Both speech clips end to end (8.3 s at 16 kHz: turbo and nano need more than 5 s).
dsp::Audio reference_clip() {
  const auto a = dsp::read_audio_file(testing::audio_path("BAC009S0764W0121.wav"));
  const auto b = dsp::read_audio_file(testing::audio_path("BAC009S0764W0122.wav"));
  dsp::Audio both = a;
  both.samples = torch::cat({a.samples, b.samples});
  return both;
}

// Samples S3Gen makes for `tokens` speech tokens in `voice`: 2 mel frames per prompt and speech
// token, less the prompt's own mel frames, 480 samples per frame (960 per speech token when the
// prompt mel has 2 frames per prompt token).
int64_t s3gen_samples(const pipeline::Conditionals& voice, int64_t tokens) {
  const int64_t frames =
      2 * (voice.gen.prompt_token.size(1) + tokens) - voice.gen.prompt_feat.size(1);
  return frames * (pipeline::kSamplesPerToken / 2);
}

// The pipeline's rule for the length of its audio: what S3Gen makes for the tokens it received,
// and for multilingual only the audio of all but the last speech token (upstream drops it).
int64_t expected_samples(Variant variant, const pipeline::Conditionals& voice,
                         const pipeline::SynthesisResult& r) {
  const int64_t n = r.speech_tokens.size(1);
  const int64_t decoded = s3gen_samples(voice, n);
  if (variant != Variant::kMultilingual) return decoded;
  return std::min(decoded, std::max<int64_t>(1, n - 1) * pipeline::kSamplesPerToken);
}

void expect_audio(const pipeline::SynthesisResult& r, int64_t samples) {
  ASSERT_TRUE(r.wav.defined());
  EXPECT_EQ(r.wav.dim(), 1);
  EXPECT_EQ(r.wav.numel(), samples);
  EXPECT_TRUE(torch::isfinite(r.wav).all().item<bool>());
  // Sound, not a constant (HiFT's clamp keeps any output within [-0.99, 0.99]).
  ASSERT_GT(r.wav.numel(), 0);
  EXPECT_GT((r.wav.max() - r.wav.min()).item<float>(), 1e-3f);
  EXPECT_EQ(r.wav.device(), torch::Device(torch::kCPU));
}

class PipelineVariantTest : public ::testing::TestWithParam<Variant> {};

TEST_P(PipelineVariantTest, SynthesisesTextRepeatablyPerSeed) {
  const Variant variant = GetParam();
  const auto pipe = pattern_pipeline(variant);
  const auto voice = pipe->make_voice(reference_clip());
  pipeline::SynthesisOptions options;
  options.seed = 11;
  options.max_new_tokens = kMaxTokens;
  const std::string language = variant == Variant::kMultilingual ? "fr" : "";
  const std::string text = "Bonjour, hello [laugh] 42!";
  const auto first = pipe->synthesize(text, language, &voice, options);
  // T3 samples max_new_tokens tokens (turbo and nano: plus their first) unless it stops; S3Gen
  // receives the valid ones, and turbo and nano append three silences.
  const int64_t tokens = first.speech_tokens.size(1);
  EXPECT_GE(tokens, is_turbo_family(variant) ? 4 : 1);
  EXPECT_LE(tokens, kMaxTokens + (is_turbo_family(variant) ? 4 : 0));
  EXPECT_LE(first.t3_samples, kMaxTokens + (is_turbo_family(variant) ? 1 : 0));
  if (is_turbo_family(variant)) {
    EXPECT_TRUE(
        (first.speech_tokens.slice(1, tokens - 3) == pipeline::kSilenceToken).all().item<bool>());
  }
  expect_audio(first, expected_samples(variant, voice, first));

  const auto again = pipe->synthesize(text, language, &voice, options);
  EXPECT_TRUE(torch::equal(first.speech_tokens, again.speech_tokens));
  EXPECT_TRUE(torch::equal(first.wav, again.wav))
      << "max |diff| " << (first.wav - again.wav).abs().max().item<float>();

  options.seed = 12;
  const auto other = pipe->synthesize(text, language, &voice, options);
  expect_audio(other, expected_samples(variant, voice, other));
  EXPECT_FALSE(torch::equal(first.wav, other.wav)) << "another seed gave the same audio";

  // A voice made for another variant is refused.
  pipeline::Conditionals foreign = voice;
  ASSERT_TRUE(voice.variant.has_value());
  EXPECT_EQ(*voice.variant, variant);
  foreign.variant = variant == Variant::kOriginal ? Variant::kTurbo : Variant::kOriginal;
  try {
    pipe->synthesize("Hello.", language, &foreign, options);
    ADD_FAILURE() << "a voice made for another variant was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("made for"), std::string::npos) << e.what();
  }

  pipeline::Conditionals vc_only = voice;  // as a voice-conversion voice file holds it
  vc_only.t3 = {};
  try {
    pipe->synthesize("Hello.", language, &vc_only, options);
    ADD_FAILURE() << "a voice without T3 conditioning was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, PipelineVariantTest,
                         ::testing::Values(Variant::kOriginal, Variant::kMultilingual,
                                           Variant::kTurbo, Variant::kNano),
                         [](const auto& info) { return std::string(variant_name(info.param)); });

TEST(PipelineVoiceConversion, ConvertsWithTheBuiltInVoiceOfACheckpointDirectory) {
  testing::TempDir dir;
  // A 2 s built-in voice: S3Gen decodes the voice's prompt with each conversion.
  io::write_pattern_checkpoint(dir.path(), Variant::kVoiceConversion, /*voice_seconds=*/2);
  pipeline::PipelineLoadOptions options;
  options.device = testing::test_device();
  const auto pipe = pipeline::Pipeline::load(dir.path(), Variant::kVoiceConversion, options);
  ASSERT_TRUE(pipe->has_builtin_voice());
  pipe->builtin_voice().validate();
  const auto source = dsp::to_rate(reference_clip(), pipeline::kS3Rate).samples.slice(0, 0, 16000);
  const auto result = pipe->convert(source, nullptr, {}, 5);
  // A saved voice-conversion voice (S3Gen part only) reloads equal.
  const auto target = pipe->make_voice(reference_clip());
  EXPECT_FALSE(target.has_t3());
  pipeline::save_conditionals(dir.path() + "/target.safetensors", target);
  const auto reloaded = pipeline::load_conditionals(dir.path() + "/target.safetensors");
  EXPECT_FALSE(reloaded.has_t3());
  EXPECT_TRUE(torch::equal(reloaded.gen.prompt_feat, target.gen.prompt_feat.cpu()));
  EXPECT_TRUE(torch::equal(reloaded.gen.prompt_token, target.gen.prompt_token.cpu()));
  EXPECT_EQ(result.speech_tokens.size(1), 25);  // 1 s at 25 tokens/s
  expect_audio(result, s3gen_samples(pipe->builtin_voice(), 25));
  EXPECT_EQ(result.wav.numel(), 25 * pipeline::kSamplesPerToken);
  EXPECT_TRUE(torch::equal(result.wav, pipe->convert(source, nullptr, {}, 5).wav));
  EXPECT_FALSE(torch::equal(result.wav, pipe->convert(source, nullptr, {}, 6).wav));
  EXPECT_THROW(pipe->synthesize("text", "", nullptr, {}), Error);  // vc speaks no text
}

}  // namespace
}  // namespace chatterbox
