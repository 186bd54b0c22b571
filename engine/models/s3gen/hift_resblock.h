#pragma once
// HiFT's residual block: for each dilation d,
//   x = x + conv2(snake2(conv1_d(snake1(x))))
// where conv1 is dilated by d and conv2 is not; both keep the length ("same" padding).

#include <torch/torch.h>

#include <vector>

#include "engine/models/s3gen/hift_layers.h"

namespace chatterbox::models::s3gen {

class HiftResBlockImpl : public torch::nn::Module {
 public:
  HiftResBlockImpl(int64_t channels, int64_t kernel, const std::vector<int64_t>& dilations);
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::ModuleList convs1_, convs2_, activations1_, activations2_;
};
TORCH_MODULE(HiftResBlock);

}  // namespace chatterbox::models::s3gen
