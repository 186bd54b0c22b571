#include "engine/models/s3gen/hift_layers.h"

namespace chatterbox::models::s3gen {

HiftConv1dImpl::HiftConv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel,
                               ConvGeometry geometry)
    : geometry_(geometry) {
  weight = register_parameter("weight", torch::empty({out_channels, in_channels, kernel}), false);
  bias = register_parameter("bias", torch::empty({out_channels}), false);
}

torch::Tensor HiftConv1dImpl::forward(const torch::Tensor& x) {
  return torch::conv1d(x, weight, bias, geometry_.stride, geometry_.padding, geometry_.dilation);
}

HiftConvTranspose1dImpl::HiftConvTranspose1dImpl(int64_t in_channels, int64_t out_channels,
                                                 int64_t kernel, int64_t stride, int64_t padding)
    : stride_(stride), padding_(padding) {
  weight = register_parameter("weight", torch::empty({in_channels, out_channels, kernel}), false);
  bias = register_parameter("bias", torch::empty({out_channels}), false);
}

torch::Tensor HiftConvTranspose1dImpl::forward(const torch::Tensor& x) {
  return torch::conv_transpose1d(x, weight, bias, stride_, padding_);
}

HiftLinearImpl::HiftLinearImpl(int64_t in_features, int64_t out_features) {
  weight = register_parameter("weight", torch::empty({out_features, in_features}), false);
  bias = register_parameter("bias", torch::empty({out_features}), false);
}

}  // namespace chatterbox::models::s3gen
