#include "engine/models/s3gen/campplus_layers.h"

#include <string>

namespace chatterbox::models::s3gen {

namespace nn = torch::nn;

BatchNormReluImpl::BatchNormReluImpl(int64_t channels, bool affine, bool relu) : relu_(relu) {
  batchnorm_ =
      register_module("batchnorm", nn::BatchNorm1d(nn::BatchNormOptions(channels).affine(affine)));
}

torch::Tensor BatchNormReluImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = batchnorm_->forward(x);
  return relu_ ? torch::relu(y) : y;
}

BasicResBlockImpl::BasicResBlockImpl(int64_t in_planes, int64_t planes, int64_t freq_stride) {
  conv1_ = register_module(
      "conv1",
      nn::Conv2d(
          nn::Conv2dOptions(in_planes, planes, 3).stride({freq_stride, 1}).padding(1).bias(false)));
  bn1_ = register_module("bn1", nn::BatchNorm2d(planes));
  conv2_ = register_module(
      "conv2", nn::Conv2d(nn::Conv2dOptions(planes, planes, 3).stride(1).padding(1).bias(false)));
  bn2_ = register_module("bn2", nn::BatchNorm2d(planes));
  shortcut_ = register_module("shortcut", nn::Sequential());
  if (freq_stride != 1 || in_planes != planes) {
    shortcut_->push_back(
        nn::Conv2d(nn::Conv2dOptions(in_planes, planes, 1).stride({freq_stride, 1}).bias(false)));
    shortcut_->push_back(nn::BatchNorm2d(planes));
  }
}

torch::Tensor BasicResBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x)));
  out = bn2_->forward(conv2_->forward(out));
  out = out + (shortcut_->is_empty() ? x : shortcut_->forward(x));
  return torch::relu(out);
}

FcmHeadImpl::FcmHeadImpl(int64_t feat_dim, int64_t channels)
    : in_planes_(channels), out_channels_(channels * (feat_dim / 8)) {
  conv1_ = register_module(
      "conv1", nn::Conv2d(nn::Conv2dOptions(1, channels, 3).stride(1).padding(1).bias(false)));
  bn1_ = register_module("bn1", nn::BatchNorm2d(channels));
  layer1_ = register_module("layer1", make_layer(channels, 2, 2));
  layer2_ = register_module("layer2", make_layer(channels, 2, 2));
  conv2_ = register_module(
      "conv2",
      nn::Conv2d(nn::Conv2dOptions(channels, channels, 3).stride({2, 1}).padding(1).bias(false)));
  bn2_ = register_module("bn2", nn::BatchNorm2d(channels));
}

nn::Sequential FcmHeadImpl::make_layer(int64_t planes, int64_t blocks, int64_t freq_stride) {
  nn::Sequential layer;
  for (int64_t i = 0; i < blocks; ++i) {
    layer->push_back(BasicResBlock(in_planes_, planes, i == 0 ? freq_stride : 1));
    in_planes_ = planes;
  }
  return layer;
}

torch::Tensor FcmHeadImpl::forward(const torch::Tensor& x) {
  torch::Tensor out = torch::relu(bn1_->forward(conv1_->forward(x.unsqueeze(1))));
  out = layer2_->forward(layer1_->forward(out));
  out = torch::relu(bn2_->forward(conv2_->forward(out)));
  return out.reshape({out.size(0), out.size(1) * out.size(2), out.size(3)});
}

TdnnLayerImpl::TdnnLayerImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size,
                             int64_t stride) {
  linear_ =
      register_module("linear", nn::Conv1d(nn::Conv1dOptions(in_channels, out_channels, kernel_size)
                                               .stride(stride)
                                               .padding((kernel_size - 1) / 2)
                                               .bias(false)));
  nonlinear_ = register_module("nonlinear", BatchNormRelu(out_channels));
}

torch::Tensor TdnnLayerImpl::forward(const torch::Tensor& x) {
  return nonlinear_->forward(linear_->forward(x));
}

torch::Tensor segment_average(const torch::Tensor& x, int64_t segment) {
  torch::Tensor seg = torch::avg_pool1d(x, {segment}, {segment}, {0}, /*ceil_mode=*/true,
                                        /*count_include_pad=*/true);
  auto shape = seg.sizes().vec();
  torch::Tensor repeated = seg.unsqueeze(-1).expand({shape[0], shape[1], shape[2], segment});
  return repeated.reshape({shape[0], shape[1], -1}).slice(-1, 0, x.size(-1));
}

CamLayerImpl::CamLayerImpl(int64_t bn_channels, int64_t out_channels, int64_t kernel_size,
                           int64_t dilation) {
  linear_local_ = register_module(
      "linear_local", nn::Conv1d(nn::Conv1dOptions(bn_channels, out_channels, kernel_size)
                                     .padding((kernel_size - 1) / 2 * dilation)
                                     .dilation(dilation)
                                     .bias(false)));
  linear1_ =
      register_module("linear1", nn::Conv1d(nn::Conv1dOptions(bn_channels, bn_channels / 2, 1)));
  linear2_ =
      register_module("linear2", nn::Conv1d(nn::Conv1dOptions(bn_channels / 2, out_channels, 1)));
}

torch::Tensor CamLayerImpl::forward(const torch::Tensor& x) {
  torch::Tensor local = linear_local_->forward(x);
  torch::Tensor context = x.mean(-1, /*keepdim=*/true) + segment_average(x);
  context = torch::relu(linear1_->forward(context));
  return local * torch::sigmoid(linear2_->forward(context));
}

CamDenseTdnnLayerImpl::CamDenseTdnnLayerImpl(int64_t in_channels, int64_t out_channels,
                                             int64_t bn_channels, int64_t kernel_size,
                                             int64_t dilation) {
  nonlinear1_ = register_module("nonlinear1", BatchNormRelu(in_channels));
  linear1_ = register_module(
      "linear1", nn::Conv1d(nn::Conv1dOptions(in_channels, bn_channels, 1).bias(false)));
  nonlinear2_ = register_module("nonlinear2", BatchNormRelu(bn_channels));
  cam_layer_ =
      register_module("cam_layer", CamLayer(bn_channels, out_channels, kernel_size, dilation));
}

torch::Tensor CamDenseTdnnLayerImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = linear1_->forward(nonlinear1_->forward(x));
  return cam_layer_->forward(nonlinear2_->forward(y));
}

CamDenseTdnnBlockImpl::CamDenseTdnnBlockImpl(int64_t layers, int64_t in_channels, int64_t growth,
                                             int64_t bn_channels, int64_t kernel_size,
                                             int64_t dilation) {
  for (int64_t i = 0; i < layers; ++i)
    layers_.push_back(register_module(
        "tdnnd" + std::to_string(i + 1),
        CamDenseTdnnLayer(in_channels + i * growth, growth, bn_channels, kernel_size, dilation)));
}

torch::Tensor CamDenseTdnnBlockImpl::forward(torch::Tensor x) {
  for (auto& layer : layers_) x = torch::cat({x, layer->forward(x)}, 1);
  return x;
}

TransitLayerImpl::TransitLayerImpl(int64_t in_channels, int64_t out_channels) {
  nonlinear_ = register_module("nonlinear", BatchNormRelu(in_channels));
  linear_ = register_module(
      "linear", nn::Conv1d(nn::Conv1dOptions(in_channels, out_channels, 1).bias(false)));
}

torch::Tensor TransitLayerImpl::forward(const torch::Tensor& x) {
  return linear_->forward(nonlinear_->forward(x));
}

torch::Tensor statistics_pooling(const torch::Tensor& x) {
  return torch::cat({x.mean(-1), torch::std(x, {-1}, /*unbiased=*/true, /*keepdim=*/false)}, -1);
}

}  // namespace chatterbox::models::s3gen
