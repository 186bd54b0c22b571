#pragma once
// Snake activation (Liu et al. 2020) with a per-channel, linear-scale alpha:
//   y = x + sin(alpha * x)^2 / (alpha + 1e-9)

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// x: (B, C, T); alpha: (C).
torch::Tensor snake(const torch::Tensor& x, const torch::Tensor& alpha);

class SnakeImpl : public torch::nn::Module {
 public:
  explicit SnakeImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x) { return snake(x, alpha); }

  torch::Tensor alpha;
};
TORCH_MODULE(Snake);

}  // namespace chatterbox::models::s3gen
