#pragma once
// Convolutional pieces of the CFM estimator (S3Gen's causal ConditionalDecoder): a causal
// Conv1d, the conv -> LayerNorm -> Mish block, and the ResNet block with its time MLP.
// Tensors are (B, C, T); `mask` is (B, 1, T) float, 1 on real frames.

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// Conv1d (stride 1) over a left zero-pad of kernel-1 frames, so frame t sees [t-k+1, t].
// Holds `weight` and `bias` directly, as the checkpoint names them.
class CausalConv1dImpl : public torch::nn::Module {
 public:
  CausalConv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t kernel_size_;
  torch::Tensor weight_, bias_;
};
TORCH_MODULE(CausalConv1d);

// y = Mish(LayerNorm_over_channels(CausalConv1d(x * mask))) * mask; keys block.0 / block.2.
class CausalBlock1DImpl : public torch::nn::Module {
 public:
  CausalBlock1DImpl(int64_t in_channels, int64_t out_channels);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);

 private:
  CausalConv1d conv_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(CausalBlock1D);

// h = block1(x); h += Linear(Mish(temb)); h = block2(h); out = h + res_conv(x * mask).
class CausalResnetBlock1DImpl : public torch::nn::Module {
 public:
  CausalResnetBlock1DImpl(int64_t in_channels, int64_t out_channels, int64_t time_dim);
  // temb (B or 1, time_dim).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask,
                        const torch::Tensor& temb);

 private:
  torch::nn::Linear time_proj_{nullptr};
  CausalBlock1D block1_{nullptr}, block2_{nullptr};
  torch::nn::Conv1d res_conv_{nullptr};
};
TORCH_MODULE(CausalResnetBlock1D);

}  // namespace chatterbox::models::s3gen
