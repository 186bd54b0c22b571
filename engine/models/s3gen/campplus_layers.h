#pragma once
// Building blocks of the CAM++ speaker encoder (3D-Speaker; chatterbox xvector.py; spec
// s3gen.md 6). Module and child names follow the checkpoint keys under "speaker_encoder.".
// BatchNorms always run with their running statistics (eval mode).

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// BatchNorm1d followed by ReLU, registered as "batchnorm" (upstream's `nonlinear` Sequential).
class BatchNormReluImpl : public torch::nn::Module {
 public:
  explicit BatchNormReluImpl(int64_t channels, bool affine = true, bool relu = true);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::BatchNorm1d batchnorm_{nullptr};
  bool relu_;
};
TORCH_MODULE(BatchNormRelu);

// 2-D residual block over (freq, time); the stride applies to frequency only.
class BasicResBlockImpl : public torch::nn::Module {
 public:
  BasicResBlockImpl(int64_t in_planes, int64_t planes, int64_t freq_stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential shortcut_{nullptr};  // empty: identity
};
TORCH_MODULE(BasicResBlock);

// The FCM head: (B, 80, T) fbank -> (B, 32 * 10, T).
class FcmHeadImpl : public torch::nn::Module {
 public:
  explicit FcmHeadImpl(int64_t feat_dim = 80, int64_t channels = 32);
  torch::Tensor forward(const torch::Tensor& x);
  int64_t out_channels() const { return out_channels_; }

 private:
  torch::nn::Sequential make_layer(int64_t planes, int64_t blocks, int64_t freq_stride);

  int64_t in_planes_;
  int64_t out_channels_;
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Sequential layer1_{nullptr}, layer2_{nullptr};
};
TORCH_MODULE(FcmHead);

// Conv1d then BatchNorm + ReLU (keys "linear", "nonlinear.batchnorm").
class TdnnLayerImpl : public torch::nn::Module {
 public:
  TdnnLayerImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv1d linear_{nullptr};
  BatchNormRelu nonlinear_{nullptr};
};
TORCH_MODULE(TdnnLayer);

// Context-aware masking: a local dilated conv gated by a sigmoid of global + 100-frame
// segment averages.
class CamLayerImpl : public torch::nn::Module {
 public:
  CamLayerImpl(int64_t bn_channels, int64_t out_channels, int64_t kernel_size, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv1d linear_local_{nullptr}, linear1_{nullptr}, linear2_{nullptr};
};
TORCH_MODULE(CamLayer);

// Averages over 100-frame segments (the last one partial), repeated back to every frame.
torch::Tensor segment_average(const torch::Tensor& x, int64_t segment = 100);

// BN-ReLU-Conv1x1 bottleneck, BN-ReLU, CAM layer; its output is concatenated to its input.
class CamDenseTdnnLayerImpl : public torch::nn::Module {
 public:
  CamDenseTdnnLayerImpl(int64_t in_channels, int64_t out_channels, int64_t bn_channels,
                        int64_t kernel_size, int64_t dilation);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  BatchNormRelu nonlinear1_{nullptr}, nonlinear2_{nullptr};
  torch::nn::Conv1d linear1_{nullptr};
  CamLayer cam_layer_{nullptr};
};
TORCH_MODULE(CamDenseTdnnLayer);

// `layers` dense layers named tdnnd1..tdnndN; output channels in + layers * growth.
class CamDenseTdnnBlockImpl : public torch::nn::Module {
 public:
  CamDenseTdnnBlockImpl(int64_t layers, int64_t in_channels, int64_t growth, int64_t bn_channels,
                        int64_t kernel_size, int64_t dilation);
  torch::Tensor forward(torch::Tensor x);

 private:
  std::vector<CamDenseTdnnLayer> layers_;
};
TORCH_MODULE(CamDenseTdnnBlock);

// BatchNorm + ReLU then a bias-free Conv1x1 (keys "nonlinear.batchnorm", "linear").
class TransitLayerImpl : public torch::nn::Module {
 public:
  TransitLayerImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  BatchNormRelu nonlinear_{nullptr};
  torch::nn::Conv1d linear_{nullptr};
};
TORCH_MODULE(TransitLayer);

// Mean and unbiased standard deviation over time, concatenated: (B, C, T) -> (B, 2C).
torch::Tensor statistics_pooling(const torch::Tensor& x);

}  // namespace chatterbox::models::s3gen
