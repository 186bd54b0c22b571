// The pattern Nano T3 (GPT-2 small) loads, runs forward and decodes deterministically. There is
// no reference golden for Nano; this checks shapes, finiteness and seeded determinism.

#include <gtest/gtest.h>

#include "engine/io/param_layout.h"
#include "engine/models/t3/t3_model.h"
#include "tests/support/golden.h"

namespace chatterbox::models::t3 {
namespace {

TEST(T3Nano, PatternModelDecodesDeterministicallyPerSeed) {
  auto model = T3Model::load("nano", io::pattern_state_dict("t3_nano"));
  EXPECT_EQ(model->config().hidden, 768);

  torch::manual_seed(11);
  T3Conditionals cond;
  cond.speaker_emb = torch::randn({1, 256});
  cond.cond_prompt_speech_tokens = torch::randint(0, 6561, {1, 50}, torch::kLong);
  auto text = torch::randint(3, 700, {1, 12}, torch::kLong);

  auto cond_emb = model->prepare_conditioning(cond);
  EXPECT_EQ(cond_emb.sizes(), (std::vector<int64_t>{1, 51, 768}));
  auto speech = torch::randint(0, 6561, {1, 5}, torch::kLong);
  auto out = model->forward(cond, text, speech);
  EXPECT_EQ(out.speech_logits.sizes(), (std::vector<int64_t>{1, 5, 6563}));
  EXPECT_FALSE(out.text_logits.defined());
  EXPECT_TRUE(out.speech_logits.isfinite().all().item<bool>());

  auto options = T3GenerationOptions::defaults_for(model->config());
  options.max_new_tokens = 6;
  auto run = [&](uint64_t seed) {
    sampling::GeneratorUniforms uniforms(seed);
    return model->generate(cond, text, options, uniforms);
  };
  auto a = run(5), b = run(5);
  ASSERT_EQ(a.tokens.dim(), 2);
  EXPECT_EQ(a.tokens.size(0), 1);
  EXPECT_LE(a.tokens.size(1), options.max_new_tokens + 1);
  if (!a.reached_stop) {
    EXPECT_EQ(a.tokens.size(1), options.max_new_tokens + 1);
  }
  EXPECT_TENSORS_EQUAL(a.tokens, b.tokens);
  EXPECT_TRUE(a.tokens.ge(0).all().item<bool>());
  EXPECT_TRUE(a.tokens.lt(6563).all().item<bool>());
}

}  // namespace
}  // namespace chatterbox::models::t3
