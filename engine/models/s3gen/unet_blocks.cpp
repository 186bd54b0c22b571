#include "engine/models/s3gen/unet_blocks.h"

namespace chatterbox::models::s3gen {

CausalConv1dImpl::CausalConv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
    : kernel_size_(kernel_size) {
  weight_ = register_parameter("weight", torch::zeros({out_channels, in_channels, kernel_size}));
  bias_ = register_parameter("bias", torch::zeros({out_channels}));
}

torch::Tensor CausalConv1dImpl::forward(const torch::Tensor& x) {
  return torch::conv1d(torch::constant_pad_nd(x, {kernel_size_ - 1, 0}, 0), weight_, bias_);
}

CausalBlock1DImpl::CausalBlock1DImpl(int64_t in_channels, int64_t out_channels) {
  auto block = register_module("block", std::make_shared<torch::nn::Module>());
  conv_ = block->register_module("0", CausalConv1d(in_channels, out_channels, 3));
  norm_ = block->register_module("2",
                                 torch::nn::LayerNorm(torch::nn::LayerNormOptions({out_channels})));
}

torch::Tensor CausalBlock1DImpl::forward(const torch::Tensor& x, const torch::Tensor& mask) {
  auto h = conv_(x * mask);
  h = norm_(h.transpose(1, 2)).transpose(1, 2);
  return torch::mish(h) * mask;
}

CausalResnetBlock1DImpl::CausalResnetBlock1DImpl(int64_t in_channels, int64_t out_channels,
                                                 int64_t time_dim) {
  auto mlp = register_module("mlp", std::make_shared<torch::nn::Module>());
  time_proj_ = mlp->register_module("1", torch::nn::Linear(time_dim, out_channels));
  block1_ = register_module("block1", CausalBlock1D(in_channels, out_channels));
  block2_ = register_module("block2", CausalBlock1D(out_channels, out_channels));
  res_conv_ = register_module(
      "res_conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(in_channels, out_channels, 1)));
}

torch::Tensor CausalResnetBlock1DImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                               const torch::Tensor& temb) {
  auto h = block1_(x, mask);
  h = h + time_proj_(torch::mish(temb)).unsqueeze(-1);
  h = block2_(h, mask);
  return h + res_conv_(x * mask);
}

}  // namespace chatterbox::models::s3gen
