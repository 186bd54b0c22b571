#include "engine/models/s3gen/hift.h"

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/io/param_layout.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using models::s3gen::Hift;
using models::s3gen::HiftConfig;
using models::s3gen::HiftGenerator;
using models::s3gen::HiftNoise;

HiftConfig small_config() {
  HiftConfig config;
  config.base_channels = 32;
  return config;
}

// Random plain (already folded) weights for every parameter of a small generator.
io::StateDict random_weights(const HiftConfig& config, uint64_t seed) {
  torch::manual_seed(seed);
  HiftGenerator module(config);
  io::StateDict weights("random");
  for (const auto& item : module->named_parameters())
    weights.insert(item.key(), torch::randn(item.value().sizes()) * 0.1);
  return weights;
}

HiftNoise seeded(uint64_t seed) {
  return HiftNoise::from_generator(at::detail::createCPUGenerator(seed));
}

TEST(HiftGenerator, OutputsLengthAndLimit) {
  const Hift hift = Hift::load(random_weights(small_config(), 1), small_config());
  const torch::Tensor mel = torch::randn({2, 80, 6});
  const auto out = hift.inference(mel, seeded(3));
  EXPECT_EQ(out.wav.sizes(), (c10::IntArrayRef{2, 2880}));
  EXPECT_EQ(out.source.sizes(), (c10::IntArrayRef{2, 1, 2880}));
  EXPECT_LE(out.wav.abs().max().item<float>(), 0.99f);
  EXPECT_TRUE(torch::isfinite(out.wav).all().item<bool>());
}

TEST(HiftGenerator, GeneratorDrawsInUpstreamOrderEqualInjectedDraws) {
  const Hift hift = Hift::load(random_weights(small_config(), 2), small_config());
  const torch::Tensor mel = torch::randn({1, 80, 4});
  const auto drawn = hift.inference(mel, seeded(11));
  EXPECT_TRUE(drawn.wav.equal(hift.inference(mel, seeded(11)).wav));

  auto generator = at::detail::createCPUGenerator(11);
  HiftNoise injected;
  injected.phase_uniform = torch::rand({1, 9, 1}, generator);
  injected.sine_noise = torch::randn({1, 9, 1920}, generator);
  EXPECT_TRUE(drawn.wav.equal(hift.inference(mel, injected).wav));
  EXPECT_FALSE(drawn.wav.equal(hift.inference(mel, seeded(12)).wav));
}

TEST(HiftGenerator, BatchRowsMatchSingleRowCalls) {
  // In double, so that float32 summation-order noise (amplified by exp() of the predicted
  // magnitude) cannot hide a row mixing up with another.
  Hift hift = Hift::load(random_weights(small_config(), 4), small_config());
  hift.module()->to(torch::kFloat64);
  const torch::Tensor mel = torch::randn({2, 80, 5}, torch::kFloat64);
  auto generator = at::detail::createCPUGenerator(5);
  HiftNoise noise;
  noise.phase_uniform = torch::rand({2, 9, 1}, generator, torch::kFloat64);
  noise.sine_noise = torch::randn({2, 9, 2400}, generator, torch::kFloat64);
  const auto both = hift.inference(mel, noise);
  for (int64_t row = 0; row < 2; ++row) {
    HiftNoise one;
    one.phase_uniform = noise.phase_uniform.slice(0, row, row + 1);
    one.sine_noise = noise.sine_noise.slice(0, row, row + 1);
    const auto single = hift.inference(mel.slice(0, row, row + 1), one);
    EXPECT_TENSORS_CLOSE(both.wav.slice(0, row, row + 1), single.wav, 1e-10);
  }
}

TEST(HiftGenerator, CacheSourceReplacesTheSourceStart) {
  const Hift hift = Hift::load(random_weights(small_config(), 6), small_config());
  const torch::Tensor mel = torch::randn({1, 80, 4});
  const torch::Tensor cache = torch::full({1, 1, 700}, 0.25);
  const auto out = hift.inference(mel, seeded(1), cache);
  EXPECT_TRUE(out.source.slice(2, 0, 700).equal(cache));
  EXPECT_TRUE(out.source.slice(2, 700).equal(hift.inference(mel, seeded(1)).source.slice(2, 700)));
  EXPECT_THROW(hift.inference(mel, seeded(1), torch::zeros({1, 1, 5000})), Error);
}

TEST(HiftGenerator, NeedsDrawsOrAGenerator) {
  const Hift hift = Hift::load(random_weights(small_config(), 7), small_config());
  EXPECT_THROW(hift.inference(torch::randn({1, 80, 2}), HiftNoise{}), Error);
  EXPECT_THROW(hift.inference(torch::randn({1, 40, 2}), seeded(1)), Error);
}

TEST(HiftGenerator, UnknownAndMissingKeysAreCorruptData) {
  io::StateDict weights = random_weights(small_config(), 8);
  weights.insert("extra.weight", torch::zeros({1}));
  EXPECT_THROW(Hift::load(weights, small_config()), Error);
  const io::StateDict complete = random_weights(small_config(), 8);
  io::StateDict partial("partial");
  for (const auto& [key, value] : complete.tensors())
    if (key != "conv_post.bias") partial.insert(key, value);
  EXPECT_THROW(Hift::load(partial, small_config()), Error);
}

TEST(HiftGenerator, FullSizeLayoutMatchesTheCheckpoint) {
  // Every mel2wav key of the published layout is read, with weight norm folded.
  const io::ParamLayout layout = io::param_layout("s3gen_base");
  io::ParamLayout hift_layout;
  for (const auto& spec : layout)
    if (spec.key.rfind("mel2wav.", 0) == 0) hift_layout.push_back(spec);
  EXPECT_EQ(hift_layout.size(), 328u);
  const auto weights = io::pattern_state_dict(hift_layout, "s3gen_base").sub("mel2wav.");
  EXPECT_NO_THROW(Hift::load(weights));
}

}  // namespace
}  // namespace chatterbox
