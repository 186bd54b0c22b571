#include <gtest/gtest.h>

#include "engine/models/s3gen/cfm.h"
#include "engine/models/s3gen/unet.h"

namespace chatterbox {
namespace {

using namespace models::s3gen;

TEST(FlowTimeGrid, CosineTenStepsMatchesTheReferenceSchedule) {
  auto t = flow_time_grid(10, TimeSchedule::kCosine, torch::kFloat32);
  const std::vector<double> expected = {0.0,       0.0123117, 0.0489435, 0.1089935,
                                        0.1909830, 0.2928932, 0.4122147, 0.5460095,
                                        0.6909830, 0.8435655, 1.0};
  ASSERT_EQ(t.numel(), 11);
  for (int64_t i = 0; i < 11; ++i) EXPECT_NEAR(t[i].item<double>(), expected[i], 1e-6) << i;
  EXPECT_EQ(t[0].item<float>(), 0.f);
  EXPECT_EQ(t[10].item<float>(), 1.f);
}

TEST(FlowTimeGrid, CosineGridIsDenseNearNoise) {
  auto steps = flow_time_grid(10, TimeSchedule::kCosine, torch::kFloat32).diff();
  EXPECT_TRUE((steps.slice(0, 1) > steps.slice(0, 0, -1)).all().item<bool>());
}

TEST(FlowTimeGrid, LinearTwoStepsIsZeroHalfOne) {
  auto t = flow_time_grid(2, TimeSchedule::kLinear, torch::kFloat32);
  EXPECT_TRUE(torch::equal(t, torch::tensor({0.f, 0.5f, 1.f})));
}

TEST(FlowTimeGrid, SinusoidalEmbeddingUsesTimeScaleThousand) {
  auto e = sinusoidal_time_embedding(torch::tensor({0.001f}), 320);
  ASSERT_EQ(e.sizes(), (std::vector<int64_t>{1, 320}));
  // First frequency is 1: sin(1000 * 0.001) = sin(1).
  EXPECT_NEAR(e[0][0].item<float>(), std::sin(1.0), 1e-6);
  EXPECT_NEAR(e[0][160].item<float>(), std::cos(1.0), 1e-6);
  // Last frequency is 1e-4.
  EXPECT_NEAR(e[0][159].item<float>(), std::sin(1e-4), 1e-7);
}

}  // namespace
}  // namespace chatterbox
