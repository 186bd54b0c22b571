// Every pipeline runs end to end on full-size pattern weights with a real reference clip: text
// (or source speech) in, finite 24 kHz audio of the expected length out, the same for the same
// seed; and a checkpoint directory's built-in voice speaks when no voice is given.

#include <gtest/gtest.h>

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

void expect_audio(const pipeline::SynthesisResult& r) {
  ASSERT_TRUE(r.wav.defined());
  EXPECT_EQ(r.wav.dim(), 1);
  EXPECT_GT(r.wav.numel(), 0);
  EXPECT_TRUE(torch::isfinite(r.wav).all().item<bool>());
  EXPECT_LE(r.wav.abs().max().item<float>(), 1.0f);
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
  const auto first = pipe->synthesize("Bonjour, hello [laugh] 42!", language, &voice, options);
  expect_audio(first);
  // At most max_new_tokens from T3 (+ its first token and 3 silences for turbo and nano).
  EXPECT_LE(first.speech_tokens.size(1), kMaxTokens + (is_turbo_family(variant) ? 4 : 0));
  EXPECT_LE(first.wav.numel(), first.speech_tokens.size(1) * pipeline::kSamplesPerToken);
  const auto again = pipe->synthesize("Bonjour, hello [laugh] 42!", language, &voice, options);
  EXPECT_TRUE(torch::equal(first.speech_tokens, again.speech_tokens));
  EXPECT_TRUE(torch::equal(first.wav, again.wav))
      << "max |diff| " << (first.wav - again.wav).abs().max().item<float>();

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
  io::write_pattern_checkpoint(dir.path(), Variant::kVoiceConversion);
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
  expect_audio(result);
  EXPECT_EQ(result.speech_tokens.size(1), 25);  // 1 s at 25 tokens/s
  EXPECT_EQ(result.wav.numel(), 25 * pipeline::kSamplesPerToken);
  EXPECT_THROW(pipe->synthesize("text", "", nullptr, {}), Error);  // vc speaks no text
}

}  // namespace
}  // namespace chatterbox
