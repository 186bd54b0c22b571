#include "engine/models/s3gen/snake.h"

namespace chatterbox::models::s3gen {

namespace {
constexpr double kNoDivByZero = 1e-9;
}

torch::Tensor snake(const torch::Tensor& x, const torch::Tensor& alpha) {
  const torch::Tensor a = alpha.view({1, -1, 1});
  // Same op order as the reference: (1 / (a + eps)) * sin(x * a)^2, then added to x.
  return x + (a + kNoDivByZero).reciprocal() * torch::sin(x * a).pow(2);
}

SnakeImpl::SnakeImpl(int64_t channels) {
  alpha = register_parameter("alpha", torch::ones({channels}), /*requires_grad=*/false);
}

}  // namespace chatterbox::models::s3gen
