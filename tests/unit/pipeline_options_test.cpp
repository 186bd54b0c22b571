// The request rules every front end gets from the engine, with no model loaded: each variant's
// defaults (unchanged: parity depends on them), options a variant does not use refused with a
// typed error naming them, the language only for multilingual, and voices only for the variant
// they were made for (recorded in the saved file).

#include <gtest/gtest.h>

#include <string>

#include "engine/common/error.h"
#include "engine/pipeline/conditionals.h"
#include "engine/pipeline/pipeline.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

using pipeline::resolve_options;
using pipeline::SynthesisOptions;

// The message of the kInvalidArgument error `f` throws ("" and a failure if none).
template <typename F>
std::string invalid_argument(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

SynthesisOptions with(void (*set)(SynthesisOptions&)) {
  SynthesisOptions o;
  set(o);
  return o;
}

TEST(PipelineOptions, DefaultsAreUpstreamsPerVariant) {
  for (Variant v : {Variant::kOriginal, Variant::kMultilingual}) {
    const auto r = resolve_options(v, {});
    EXPECT_DOUBLE_EQ(r.t3.sampling.temperature, 0.8);
    EXPECT_DOUBLE_EQ(r.t3.sampling.top_p, 1.0);
    EXPECT_DOUBLE_EQ(r.t3.sampling.min_p, 0.05);
    EXPECT_EQ(r.t3.sampling.top_k, 0);
    EXPECT_DOUBLE_EQ(r.t3.sampling.repetition_penalty, 1.2);
    EXPECT_DOUBLE_EQ(r.t3.cfg_weight, 0.5);
    EXPECT_DOUBLE_EQ(r.exaggeration, 0.5);
    EXPECT_EQ(r.t3.max_new_tokens, 1000);
  }
  for (Variant v : {Variant::kTurbo, Variant::kNano}) {
    const auto r = resolve_options(v, {});
    EXPECT_DOUBLE_EQ(r.t3.sampling.temperature, 0.8);
    EXPECT_DOUBLE_EQ(r.t3.sampling.top_p, 0.95);
    EXPECT_DOUBLE_EQ(r.t3.sampling.min_p, 0.0);
    EXPECT_EQ(r.t3.sampling.top_k, 1000);
    EXPECT_DOUBLE_EQ(r.t3.sampling.repetition_penalty, 1.2);
    EXPECT_DOUBLE_EQ(r.t3.cfg_weight, 0.0);
    EXPECT_DOUBLE_EQ(r.exaggeration, 0.0);
  }
}

TEST(PipelineOptions, GivenValuesAreUsedAndChecked) {
  SynthesisOptions o;
  o.temperature = 0.5;
  o.top_p = 0.9;
  o.min_p = 0.1;
  o.top_k = 50;
  o.repetition_penalty = 1.5;
  o.cfg_weight = 0.3;
  o.exaggeration = 0.7;
  o.max_new_tokens = 20;
  o.seed = 42;
  const auto r = resolve_options(Variant::kOriginal, o);
  EXPECT_DOUBLE_EQ(r.t3.sampling.temperature, 0.5);
  EXPECT_DOUBLE_EQ(r.t3.sampling.top_p, 0.9);
  EXPECT_DOUBLE_EQ(r.t3.sampling.min_p, 0.1);
  EXPECT_EQ(r.t3.sampling.top_k, 50);
  EXPECT_DOUBLE_EQ(r.t3.sampling.repetition_penalty, 1.5);
  EXPECT_DOUBLE_EQ(r.t3.cfg_weight, 0.3);
  EXPECT_DOUBLE_EQ(r.exaggeration, 0.7);
  EXPECT_EQ(r.t3.max_new_tokens, 20);
  EXPECT_EQ(r.seed, 42u);

  EXPECT_NE(invalid_argument([] {
              resolve_options(Variant::kTurbo,
                              with([](SynthesisOptions& o) { o.temperature = 0; }));
            }).find("temperature"),
            std::string::npos);
  EXPECT_NE(invalid_argument([] {
              resolve_options(Variant::kOriginal,
                              with([](SynthesisOptions& o) { o.exaggeration = -1; }));
            }).find("exaggeration"),
            std::string::npos);
  EXPECT_NE(invalid_argument([] {
              resolve_options(Variant::kNano,
                              with([](SynthesisOptions& o) { o.max_new_tokens = 0; }));
            }).find("max_new_tokens"),
            std::string::npos);
}

TEST(PipelineOptions, OptionsAVariantDoesNotUseAreRefused) {
  struct Case {
    Variant variant;
    void (*set)(SynthesisOptions&);
    const char* message;
  };
  const Case cases[] = {
      {Variant::kTurbo, [](SynthesisOptions& o) { o.min_p = 0.05; },
       "min_p does not apply to turbo"},
      {Variant::kNano, [](SynthesisOptions& o) { o.min_p = 0.0; }, "min_p does not apply to nano"},
      {Variant::kTurbo, [](SynthesisOptions& o) { o.cfg_weight = 0.5; },
       "cfg_weight does not apply to turbo"},
      {Variant::kNano, [](SynthesisOptions& o) { o.cfg_weight = 0.0; },
       "cfg_weight does not apply to nano"},
      {Variant::kTurbo, [](SynthesisOptions& o) { o.exaggeration = 0.5; },
       "exaggeration does not apply to turbo"},
      {Variant::kVoiceConversion, [](SynthesisOptions& o) { o.temperature = 0.8; },
       "temperature does not apply to vc"},
      {Variant::kVoiceConversion, [](SynthesisOptions& o) { o.top_k = 5; },
       "top_k does not apply to vc"},
      {Variant::kVoiceConversion, [](SynthesisOptions& o) { o.max_new_tokens = 5; },
       "max_new_tokens does not apply to vc"},
      {Variant::kVoiceConversion, [](SynthesisOptions& o) { o.exaggeration = 0.5; },
       "exaggeration does not apply to vc"},
  };
  for (const Case& c : cases) {
    const std::string message = invalid_argument([&] { resolve_options(c.variant, with(c.set)); });
    EXPECT_EQ(message.rfind(c.message, 0), 0u) << message;
  }
  // What does apply is accepted: top_k on the Llama variants, the seed on vc.
  EXPECT_EQ(resolve_options(Variant::kMultilingual, with([](SynthesisOptions& o) { o.top_k = 5; }))
                .t3.sampling.top_k,
            5);
  EXPECT_EQ(
      resolve_options(Variant::kVoiceConversion, with([](SynthesisOptions& o) { o.seed = 3; }))
          .seed,
      3u);
}

TEST(PipelineOptions, OnlyMultilingualTakesALanguage) {
  for (Variant v : all_variants()) EXPECT_NO_THROW(pipeline::check_language(v, ""));
  EXPECT_NO_THROW(pipeline::check_language(Variant::kMultilingual, "fr"));
  EXPECT_NE(invalid_argument([] {
              pipeline::check_language(Variant::kMultilingual, "xx");
            }).find("unsupported language"),
            std::string::npos);
  for (Variant v : {Variant::kOriginal, Variant::kTurbo, Variant::kNano, Variant::kVoiceConversion})
    EXPECT_EQ(invalid_argument([v] {
                pipeline::check_language(v, "fr");
              }).rfind(std::string("language does not apply to ") + variant_name(v), 0),
              0u);
}

// Small well-formed conditionals (shapes as Conditionals::validate wants them).
pipeline::Conditionals small_voice(bool with_t3) {
  pipeline::Conditionals c;
  c.gen.prompt_token = torch::arange(10, torch::kLong).reshape({1, 10});
  c.gen.prompt_token_len = torch::full({1}, 10, torch::kLong);
  c.gen.prompt_feat = torch::rand({1, 20, 80});
  c.gen.embedding = torch::rand({1, 192});
  if (with_t3) {
    c.t3.speaker_emb = torch::rand({1, 256});
    c.t3.cond_prompt_speech_tokens = torch::arange(5, torch::kLong).reshape({1, 5});
    c.t3.emotion_adv = torch::full({1, 1, 1}, 0.5);
  }
  return c;
}

TEST(PipelineOptions, AVoiceIsForTheVariantItWasMadeFor) {
  pipeline::Conditionals voice = small_voice(true);
  EXPECT_NO_THROW(pipeline::check_voice_for(Variant::kTurbo, voice));  // unrecorded: a conds.pt
  voice.variant = Variant::kTurbo;
  EXPECT_NO_THROW(pipeline::check_voice_for(Variant::kTurbo, voice));
  EXPECT_EQ(invalid_argument([&] { pipeline::check_voice_for(Variant::kOriginal, voice); }),
            "this voice was made for turbo, not for original: make it again with --variant "
            "original");
  EXPECT_THROW(pipeline::check_voice_for(Variant::kVoiceConversion, voice), Error);

  pipeline::Conditionals vc_voice = small_voice(false);
  EXPECT_NO_THROW(pipeline::check_voice_for(Variant::kVoiceConversion, vc_voice));
  EXPECT_NE(invalid_argument([&] {
              pipeline::check_voice_for(Variant::kNano, vc_voice);
            }).find("no T3 conditioning"),
            std::string::npos);
}

TEST(PipelineOptions, ASavedVoiceRecordsItsVariant) {
  testing::TempDir dir;
  for (Variant v : all_variants()) {
    pipeline::Conditionals voice = small_voice(v != Variant::kVoiceConversion);
    voice.variant = v;
    const std::string path = dir.file(std::string(variant_name(v)) + ".safetensors");
    pipeline::save_conditionals(path, voice);
    const auto loaded = pipeline::load_conditionals_any(path);
    ASSERT_TRUE(loaded.variant.has_value());
    EXPECT_EQ(*loaded.variant, v);
    EXPECT_TRUE(torch::equal(loaded.gen.prompt_feat, voice.gen.prompt_feat));
  }
  // A voice without a recorded variant (older files) loads as such.
  const std::string unknown = dir.file("unknown.safetensors");
  pipeline::save_conditionals(unknown, small_voice(true));
  EXPECT_FALSE(pipeline::load_conditionals(unknown).variant.has_value());
}

}  // namespace
}  // namespace chatterbox
