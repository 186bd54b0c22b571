#include "engine/models/s3gen/snake.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using models::s3gen::Snake;
using models::s3gen::snake;

TEST(HiftSnake, MatchesTheFormulaPerChannel) {
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({2, 3, 50}) * 3;
  const torch::Tensor alpha = torch::tensor({0.5f, 1.0f, 2.5f});
  const torch::Tensor y = snake(x, alpha);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t t = 0; t < 50; t += 7) {
        const double xv = x[b][c][t].item<double>(), a = alpha[c].item<double>();
        const double expected = xv + std::pow(std::sin(a * xv), 2) / (a + 1e-9);
        EXPECT_NEAR(y[b][c][t].item<double>(), expected, 1e-5) << b << "," << c << "," << t;
      }
}

TEST(HiftSnake, ZeroAlphaDoesNotDivideByZero) {
  const torch::Tensor x = torch::linspace(-2, 2, 9).view({1, 1, 9});
  const torch::Tensor y = snake(x, torch::zeros({1}));
  EXPECT_TRUE(torch::isfinite(y).all().item<bool>());
  EXPECT_TENSORS_CLOSE(y, x, 1e-6);  // sin(0)^2 / 1e-9 = 0
}

TEST(HiftSnake, ModuleHoldsOneAlphaPerChannel) {
  Snake module(4);
  ASSERT_EQ(module->named_parameters().size(), 1u);
  EXPECT_EQ(module->named_parameters()["alpha"].sizes(), (c10::IntArrayRef{4}));
  const torch::Tensor x = torch::randn({1, 4, 5});
  EXPECT_TRUE(module->forward(x).equal(snake(x, torch::ones({4}))));
}

}  // namespace
}  // namespace chatterbox
