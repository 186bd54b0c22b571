#include "engine/models/s3gen/hift_resblock.h"

#include "engine/models/s3gen/snake.h"

namespace chatterbox::models::s3gen {

HiftResBlockImpl::HiftResBlockImpl(int64_t channels, int64_t kernel,
                                   const std::vector<int64_t>& dilations) {
  for (int64_t dilation : dilations) {
    const ConvGeometry dilated{1, (kernel * dilation - dilation) / 2, dilation};
    const ConvGeometry plain{1, (kernel - 1) / 2, 1};
    convs1_->push_back(HiftConv1d(channels, channels, kernel, dilated));
    convs2_->push_back(HiftConv1d(channels, channels, kernel, plain));
    activations1_->push_back(Snake(channels));
    activations2_->push_back(Snake(channels));
  }
  register_module("convs1", convs1_);
  register_module("convs2", convs2_);
  register_module("activations1", activations1_);
  register_module("activations2", activations2_);
}

torch::Tensor HiftResBlockImpl::forward(torch::Tensor x) {
  for (size_t i = 0; i < convs1_->size(); ++i) {
    torch::Tensor xt = activations1_[i]->as<SnakeImpl>()->forward(x);
    xt = convs1_[i]->as<HiftConv1dImpl>()->forward(xt);
    xt = activations2_[i]->as<SnakeImpl>()->forward(xt);
    xt = convs2_[i]->as<HiftConv1dImpl>()->forward(xt);
    x = xt + x;
  }
  return x;
}

}  // namespace chatterbox::models::s3gen
