#pragma once
// The plain layers HiFT is built from. Unlike torch::nn's, they do not initialise their
// weights (which would consume the global RNG): every value comes from the checkpoint, with
// weight-normed convolutions folded beforehand (weight_norm.h).

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

struct ConvGeometry {
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t dilation = 1;
};

// weight (out, in, kernel), bias (out).
class HiftConv1dImpl : public torch::nn::Module {
 public:
  HiftConv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel,
                 ConvGeometry geometry = {});
  torch::Tensor forward(const torch::Tensor& x);

  torch::Tensor weight, bias;

 private:
  ConvGeometry geometry_;
};
TORCH_MODULE(HiftConv1d);

// weight (in, out, kernel), bias (out); no output padding, dilation 1.
class HiftConvTranspose1dImpl : public torch::nn::Module {
 public:
  HiftConvTranspose1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride,
                          int64_t padding);
  torch::Tensor forward(const torch::Tensor& x);

  torch::Tensor weight, bias;

 private:
  int64_t stride_, padding_;
};
TORCH_MODULE(HiftConvTranspose1d);

// weight (out, in), bias (out); applied to the last dim.
class HiftLinearImpl : public torch::nn::Module {
 public:
  HiftLinearImpl(int64_t in_features, int64_t out_features);
  torch::Tensor forward(const torch::Tensor& x) { return torch::linear(x, weight, bias); }

  torch::Tensor weight, bias;
};
TORCH_MODULE(HiftLinear);

}  // namespace chatterbox::models::s3gen
