#include "engine/models/s3gen/rel_position.h"

#include <gtest/gtest.h>

#include <cmath>

namespace chatterbox {
namespace {

using models::s3gen::rel_shift;
using models::s3gen::relative_position_encoding;

TEST(RelPosition, ShiftPicksTheScoreOfDistanceIMinusJ) {
  const int64_t t = 7;
  auto scores = torch::randn({2, 3, t, 2 * t - 1});
  auto shifted = rel_shift(scores);
  ASSERT_EQ(shifted.sizes(), (std::vector<int64_t>{2, 3, t, t}));
  for (int64_t i = 0; i < t; ++i)
    for (int64_t j = 0; j < t; ++j)
      EXPECT_TRUE(torch::equal(shifted.select(2, i).select(2, j),
                               scores.select(2, i).select(2, t - 1 - i + j)))
          << "i=" << i << " j=" << j;
}

TEST(RelPosition, ShiftOfLengthOneIsIdentity) {
  auto scores = torch::randn({1, 2, 1, 1});
  EXPECT_TRUE(torch::equal(rel_shift(scores), scores));
}

TEST(RelPosition, EncodingRowsRunFromPlusToMinusTMinusOne) {
  const int64_t t = 5, d = 8;
  auto pe = relative_position_encoding(t, d, torch::kFloat32);
  ASSERT_EQ(pe.sizes(), (std::vector<int64_t>{1, 2 * t - 1, d}));
  for (int64_t r = 0; r < 2 * t - 1; ++r) {
    const double distance = double(t - 1 - r);
    for (int64_t i = 0; i < d / 2; ++i) {
      const double w = std::exp(-2.0 * i * std::log(10000.0) / d);
      EXPECT_NEAR(pe[0][r][2 * i].item<float>(), std::sin(distance * w), 1e-6) << r << "," << i;
      EXPECT_NEAR(pe[0][r][2 * i + 1].item<float>(), std::cos(distance * w), 1e-6) << r << "," << i;
    }
  }
}

TEST(RelPosition, AttentionIgnoresPaddedKeys) {
  torch::manual_seed(3);
  models::s3gen::RelPositionAttention attn(16, 2);
  for (auto& p : attn->parameters()) p.data().normal_(0, 0.3);
  auto x = torch::randn({1, 6, 16});
  auto full = attn(x.slice(1, 0, 4), torch::ones({1, 1, 4}, torch::kBool),
                   relative_position_encoding(4, 16, torch::kFloat32));
  auto mask = torch::tensor({1, 1, 1, 1, 0, 0}, torch::kBool).view({1, 1, 6});
  auto padded = attn(x, mask, relative_position_encoding(6, 16, torch::kFloat32));
  EXPECT_TRUE(torch::allclose(padded.slice(1, 0, 4), full, 1e-5, 1e-6));
}

}  // namespace
}  // namespace chatterbox
