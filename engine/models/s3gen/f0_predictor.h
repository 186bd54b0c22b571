#pragma once
// HiFT's F0 predictor (upstream "ConvRNNF0Predictor", which has no RNN): five weight-normed
// k3 convolutions with ELU, a per-frame linear layer, and abs() so the pitch is non-negative.

#include <torch/torch.h>

#include "engine/models/s3gen/hift_layers.h"

namespace chatterbox::models::s3gen {

class F0PredictorImpl : public torch::nn::Module {
 public:
  explicit F0PredictorImpl(int64_t in_channels = 80, int64_t cond_channels = 512);
  // mel (B, in_channels, T) -> f0 in Hz (B, T).
  torch::Tensor forward(const torch::Tensor& mel);

 private:
  torch::nn::Sequential condnet_;
  HiftLinear classifier_{nullptr};
};
TORCH_MODULE(F0Predictor);

}  // namespace chatterbox::models::s3gen
