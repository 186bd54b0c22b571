#include "engine/io/pattern_weights.h"

#include <gtest/gtest.h>

#include "tests/support/golden.h"

namespace chatterbox {
namespace {

TEST(PatternWeights, MatchesTheReferenceRuleForEveryCheckedName) {
  auto golden = testing::load_golden("pattern_check");
  int checked = 0;
  for (const auto& name : golden.file.keys()) {
    if (name.rfind("uniform01_", 0) == 0) continue;
    torch::Tensor expected = golden[name];
    torch::Tensor actual = io::pattern_tensor(name, expected.sizes().vec());
    EXPECT_TENSORS_EQUAL(actual.view(-1).view(torch::kInt32), expected.view(-1).view(torch::kInt32))
        << name;
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(PatternWeights, UniformStreamMatchesTheGoldenForAbc) {
  auto golden = testing::load_golden("pattern_check");
  torch::Tensor expected = golden["uniform01_abc_8"];
  uint64_t h = io::fnv1a64("abc");
  for (int64_t k = 0; k < 8; ++k)
    EXPECT_EQ(io::pattern_uniform(h, k), expected[k].item<float>()) << "k=" << k;
}

TEST(PatternWeights, IntegerTensorsAreZeroAndComputedBuffersAreRecognised) {
  auto t = io::pattern_tensor("bn.num_batches_tracked", {}, torch::kInt64);
  EXPECT_EQ(t.item<int64_t>(), 0);
  EXPECT_TRUE(io::is_computed_buffer("tokenizer._mel_filters"));
  EXPECT_TRUE(io::is_computed_buffer("tokenizer.window"));
  EXPECT_TRUE(io::is_computed_buffer("trim_fade"));
  EXPECT_FALSE(io::is_computed_buffer("flow.encoder.weight"));
}

TEST(PatternWeights, FanInRuleScalesByElementsPerRow) {
  auto t = io::pattern_tensor("layer.weight", {64, 16, 4});
  // |v| < 1, so every value is bounded by 1/sqrt(64) = 0.125.
  EXPECT_LT(t.abs().max().item<float>(), 0.125f);
  EXPECT_GT(t.abs().max().item<float>(), 0.1f);
}

}  // namespace
}  // namespace chatterbox
