// The logits processors on small hand-checked cases, and the order of the two chains.

#include "engine/sampling/logits_processors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/sampling/sampler.h"

namespace chatterbox::sampling {
namespace {

const float kInf = std::numeric_limits<float>::infinity();

// Exact float comparison (inf equals inf); the support's EXPECT_SAME is for ids.
#define EXPECT_SAME(actual, expected)                                                      \
  do {                                                                                     \
    auto a_ = (actual);                                                                    \
    auto e_ = (expected);                                                                  \
    EXPECT_TRUE(a_.sizes() == e_.sizes() && torch::equal(a_, e_)) << a_ << "\nvs\n" << e_; \
  } while (0)

torch::Tensor row(std::vector<float> values) {
  return torch::tensor(values).view({1, -1});
}
torch::Tensor ids(std::vector<int64_t> values) {
  return torch::tensor(values, torch::kLong).view({1, -1});
}

TEST(SamplerProcessors, RepetitionPenaltyDividesPositivesMultipliesNegativesOncePerId) {
  auto out = apply_repetition_penalty(row({2, -1, 0.5, 3}), ids({0, 1, 1}), 2.0);
  EXPECT_SAME(out, row({1, -2, 0.5, 3}));
}

TEST(SamplerProcessors, RepetitionPenaltyWorksPerBatchRow) {
  auto scores = torch::tensor({4.f, 4.f, 4.f, 4.f}).view({2, 2});
  auto out =
      apply_repetition_penalty(scores, torch::tensor({0, 1}, torch::kLong).view({2, 1}), 4.0);
  EXPECT_SAME(out, torch::tensor({1.f, 4.f, 4.f, 1.f}).view({2, 2}));
}

TEST(SamplerProcessors, TemperatureDivides) {
  EXPECT_SAME(apply_temperature(row({1, -2}), 0.5), row({2, -4}));
}

TEST(SamplerProcessors, TopKKeepsTiesWithTheKthScore) {
  EXPECT_SAME(apply_top_k(row({1, 3, 3, 2}), 2), row({-kInf, 3, 3, -kInf}));
  EXPECT_SAME(apply_top_k(row({1, 3, 2}), 10), row({1, 3, 2}));
}

TEST(SamplerProcessors, TopPRemovesTheLowTailUpToOneMinusP) {
  auto scores = row({std::log(0.1f), std::log(0.2f), std::log(0.3f), std::log(0.4f)});
  // Ascending cumulative probabilities: 0.1, 0.3, 0.6, 1.0.
  auto keep_three = apply_top_p(scores, 0.75);  // removes cum <= 0.25
  EXPECT_TRUE(std::isinf(keep_three[0][0].item<float>()));
  EXPECT_TRUE(keep_three.narrow(1, 1, 3).isfinite().all().item<bool>());
  auto keep_two = apply_top_p(scores, 0.5);  // removes cum <= 0.5
  EXPECT_TRUE(keep_two.narrow(1, 0, 2).isinf().all().item<bool>());
  EXPECT_TRUE(keep_two.narrow(1, 2, 2).isfinite().all().item<bool>());
  auto keep_top = apply_top_p(scores, 1e-6);  // always keeps the most probable
  EXPECT_EQ(keep_top.isfinite().sum().item<int64_t>(), 1);
  EXPECT_TRUE(std::isfinite(keep_top[0][3].item<float>()));
}

TEST(SamplerProcessors, TopPOfOneRemovesOnlyZeroProbabilityTokens) {
  auto out = apply_top_p(row({-kInf, 0, 1, -kInf}), 1.0);
  EXPECT_SAME(out, row({-kInf, 0, 1, -kInf}));
  EXPECT_SAME(apply_top_p(row({0.5, 0.25}), 1.0), row({0.5, 0.25}));
}

TEST(SamplerProcessors, MinPRemovesTokensBelowAFractionOfTheTopProbability) {
  auto scores = row({std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)});
  auto out = apply_min_p(scores, 0.2);  // threshold 0.1
  EXPECT_TRUE(out.narrow(1, 0, 3).isfinite().all().item<bool>());
  EXPECT_TRUE(std::isinf(out[0][3].item<float>()));
  EXPECT_SAME(apply_min_p(scores, 0.0), scores);
  EXPECT_EQ(apply_min_p(scores, 1.0).isfinite().sum().item<int64_t>(), 1);
}

TEST(SamplerProcessors, ChainsApplyTheRepetitionPenaltyAtOppositeEnds) {
  SamplingOptions options;
  options.temperature = 1.0;
  options.top_k = 1;
  options.min_p = 0.0;
  options.repetition_penalty = 10.0;
  auto scores = row({3.0f, 2.9f});
  // Llama: penalty first (token 0 drops to 0.3), then top-k keeps token 1.
  auto llama = process_logits(ProcessorChain::kLlama, options, scores, ids({0}));
  EXPECT_SAME(llama, row({-kInf, 2.9f}));
  // GPT-2: top-k keeps token 0 first, then the penalty scales it to 0.3.
  auto gpt2 = process_logits(ProcessorChain::kGpt2, options, scores, ids({0}));
  EXPECT_SAME(gpt2, row({0.3f, -kInf}));
}

TEST(SamplerProcessors, Gpt2ChainIgnoresMinP) {
  SamplingOptions options;
  options.temperature = 1.0;
  options.top_p = 1.0;
  options.top_k = 0;
  options.repetition_penalty = 1.0;
  options.min_p = 0.9;
  auto scores = row({1.0f, 0.0f});
  EXPECT_SAME(process_logits(ProcessorChain::kGpt2, options, scores, ids({0})), scores);
}

}  // namespace
}  // namespace chatterbox::sampling
