// Inverse-CDF sampling, uniform sources, and option validation.

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/models/t3/t3_model.h"
#include "engine/sampling/sampler.h"
#include "tests/support/golden.h"

namespace chatterbox::sampling {
namespace {

TEST(SamplerSampling, InverseCdfTakesTheFirstIndexWhoseRunningSumExceedsUTimesTotal) {
  auto probs = torch::tensor({0.25, 0.0, 0.25, 0.5}, torch::kFloat32);
  EXPECT_EQ(sample_inverse_cdf(probs, 0.0), 0);
  EXPECT_EQ(sample_inverse_cdf(probs, 0.25), 2);  // 0.25 is not > 0.25; index 1 adds nothing
  EXPECT_EQ(sample_inverse_cdf(probs, 0.3), 2);
  EXPECT_EQ(sample_inverse_cdf(probs, 0.5), 3);
  EXPECT_EQ(sample_inverse_cdf(probs, 0.999), 3);
}

TEST(SamplerSampling, InverseCdfScalesByTheTotalAndNeverLandsOnAZero) {
  auto unnormalised = torch::tensor({1.0, 1.0, 2.0}, torch::kFloat32);
  EXPECT_EQ(sample_inverse_cdf(unnormalised, 0.3), 1);  // threshold 1.2
  auto tail_zeros = torch::tensor({0.5, 0.5, 0.0, 0.0}, torch::kFloat32);
  EXPECT_EQ(sample_inverse_cdf(tail_zeros, 1.0), 1);  // clamped to the end, then stepped back
}

TEST(SamplerSampling, InverseCdfSamplesEachBatchRowWithItsOwnUniform) {
  auto probs = torch::tensor({0.5f, 0.5f, 0.1f, 0.9f}).view({2, 2});
  EXPECT_TENSORS_EQUAL(sample_inverse_cdf(probs, {0.6, 0.05}), torch::tensor({1, 0}, torch::kLong));
}

TEST(SamplerSampling, SeededUniformsRepeatPerSeed) {
  GeneratorUniforms a(42), b(42), c(43);
  std::vector<double> va, vb, vc;
  for (int i = 0; i < 5; ++i) {
    va.push_back(a.next());
    vb.push_back(b.next());
    vc.push_back(c.next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
  for (double u : va) {
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

// Drawn ahead in blocks, the sequence is still the generator's one-at-a-time sequence.
TEST(SamplerSampling, BlockDrawsEqualSingleDraws) {
  GeneratorUniforms blocks(7);
  auto single = at::make_generator<at::CPUGeneratorImpl>(7);
  for (int64_t i = 0; i < 2 * GeneratorUniforms::kBlock + 5; ++i)
    ASSERT_EQ(
        blocks.next(),
        torch::rand({1}, single, torch::TensorOptions().dtype(torch::kFloat64)).item<double>())
        << "draw " << i;
}

TEST(SamplerSampling, InjectedUniformsReplayInOrderThenRefuse) {
  InjectedUniforms u(torch::tensor({0.25, 0.75}, torch::kFloat64));
  EXPECT_EQ(u.next(), 0.25);
  EXPECT_EQ(u.next(), 0.75);
  EXPECT_EQ(u.consumed(), 2u);
  EXPECT_THROW(u.next(), Error);
}

void expect_rejected(SamplingOptions options, const std::string& field) {
  try {
    options.validate();
    ADD_FAILURE() << "accepted a bad " << field;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(SamplerSampling, BadOptionsAreRejectedByName) {
  SamplingOptions good;
  EXPECT_NO_THROW(good.validate());
  auto with = [&](auto change) {
    SamplingOptions o = good;
    change(o);
    return o;
  };
  expect_rejected(with([](SamplingOptions& o) { o.temperature = -0.5; }), "temperature");
  expect_rejected(with([](SamplingOptions& o) { o.temperature = 0.0; }), "temperature");
  expect_rejected(with([](SamplingOptions& o) { o.temperature = NAN; }), "temperature");
  expect_rejected(with([](SamplingOptions& o) { o.top_p = 0.0; }), "top_p");
  expect_rejected(with([](SamplingOptions& o) { o.top_p = 1.5; }), "top_p");
  expect_rejected(with([](SamplingOptions& o) { o.min_p = -0.1; }), "min_p");
  expect_rejected(with([](SamplingOptions& o) { o.min_p = 1.1; }), "min_p");
  expect_rejected(with([](SamplingOptions& o) { o.top_k = -1; }), "top_k");
  expect_rejected(with([](SamplingOptions& o) { o.repetition_penalty = 0.0; }),
                  "repetition_penalty");
  EXPECT_NO_THROW(with([](SamplingOptions& o) { o.top_p = 1.0; }).validate());
  EXPECT_NO_THROW(with([](SamplingOptions& o) { o.min_p = 0.0; }).validate());
}

TEST(SamplerSampling, BadGenerationOptionsAreRejected) {
  auto config = models::t3::T3Config::by_name("original");
  auto options = models::t3::T3GenerationOptions::defaults_for(config);
  EXPECT_NO_THROW(options.validate(config));
  auto bad_cfg = options;
  bad_cfg.cfg_weight = -1;
  EXPECT_THROW(bad_cfg.validate(config), Error);
  auto no_tokens = options;
  no_tokens.max_new_tokens = 0;
  EXPECT_THROW(no_tokens.validate(config), Error);
  auto too_many = options;
  too_many.max_new_tokens = config.speech_positions;  // beyond the learned speech positions
  EXPECT_THROW(too_many.validate(config), Error);
}

}  // namespace
}  // namespace chatterbox::sampling
