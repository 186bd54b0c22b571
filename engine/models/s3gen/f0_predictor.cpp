#include "engine/models/s3gen/f0_predictor.h"

namespace chatterbox::models::s3gen {

namespace {
constexpr int kCondLayers = 5;
}

F0PredictorImpl::F0PredictorImpl(int64_t in_channels, int64_t cond_channels) {
  // Convs at even indices, ELUs at odd ones: the checkpoint keys are condnet.{0,2,4,6,8}.
  for (int layer = 0; layer < kCondLayers; ++layer) {
    const int64_t in = layer == 0 ? in_channels : cond_channels;
    condnet_->push_back(HiftConv1d(in, cond_channels, 3, ConvGeometry{1, 1, 1}));
    condnet_->push_back(torch::nn::ELU());
  }
  register_module("condnet", condnet_);
  classifier_ = register_module("classifier", HiftLinear(cond_channels, 1));
}

torch::Tensor F0PredictorImpl::forward(const torch::Tensor& mel) {
  torch::Tensor x = condnet_->forward(mel).transpose(1, 2);
  return torch::abs(classifier_->forward(x).squeeze(-1));
}

}  // namespace chatterbox::models::s3gen
