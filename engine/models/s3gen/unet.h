#pragma once
// The CFM estimator: S3Gen's causal conditional 1-D U-Net (ConditionalDecoder), predicting the
// velocity of the mel state x from [x, mu, speaker, prompt condition] and the flow time. With
// one channel level (256) it has no temporal resampling: down (ResNet + 4 transformers + causal
// conv), 12 mid levels (ResNet + 4 transformers), up (concat skip, ResNet + 4 transformers +
// causal conv), a final causal block and a 1x1 projection to 80 mel channels.

#include <torch/torch.h>

#include "engine/models/s3gen/unet_blocks.h"
#include "engine/models/s3gen/unet_transformer.h"

namespace chatterbox::models::s3gen {

// [sin(1000 t w_k), cos(1000 t w_k)], w_k = exp(-k ln(10000) / (dim/2 - 1)): t (B,) -> (B, dim).
torch::Tensor sinusoidal_time_embedding(const torch::Tensor& t, int64_t dim);

// One U-Net level: keys "0" (ResNet), "1.{i}" (transformer blocks), optionally "2" (causal conv).
class UnetLevelImpl : public torch::nn::Module {
 public:
  UnetLevelImpl(int64_t in_channels, int64_t channels, int64_t time_dim, bool with_conv);
  // x (B,C,T), mask (B,1,T) float, key_bias (B,1,T), temb (B or 1, time_dim).
  torch::Tensor forward(torch::Tensor x, const torch::Tensor& mask, const torch::Tensor& key_bias,
                        const torch::Tensor& temb);
  // The causal conv of a down/up level, applied to x * mask.
  torch::Tensor resample(const torch::Tensor& x, const torch::Tensor& mask);

 private:
  CausalResnetBlock1D resnet_{nullptr};
  torch::nn::ModuleList transformers_{nullptr};
  CausalConv1d conv_{nullptr};
};
TORCH_MODULE(UnetLevel);

class ConditionalUnetImpl : public torch::nn::Module {
 public:
  explicit ConditionalUnetImpl(bool meanflow);

  // x, mu, cond (B,80,T); mask (B,1,T) float; spks (B,80); t (B,) or (1,) flow time; r the
  // meanflow end time (same shape as t), required iff meanflow. Returns (B,80,T) * mask in x's
  // dtype. Computes in its weights' dtype (float32, or reduced: the module moved with to(dtype)),
  // except the sinusoidal time embedding, which stays in t's float32.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, const torch::Tensor& mu,
                        const torch::Tensor& t, const torch::Tensor& spks,
                        const torch::Tensor& cond, const torch::Tensor& r = {});

  bool meanflow() const { return meanflow_; }
  // The weights' dtype, the one the estimator computes in (its input's dtype comes back).
  torch::ScalarType dtype() const { return time_linear_1_->weight.scalar_type(); }

 private:
  torch::Tensor time_embedding(const torch::Tensor& t, const torch::Tensor& r);
  // The U-Net proper on the concatenated input h (B,320,T), all in the weights' dtype.
  torch::Tensor forward_levels(torch::Tensor h, const torch::Tensor& mask,
                               const torch::Tensor& key_bias, const torch::Tensor& temb);

  bool meanflow_;
  torch::nn::Linear time_linear_1_{nullptr}, time_linear_2_{nullptr};
  torch::nn::Linear time_embed_mixer_{nullptr};
  UnetLevel down_{nullptr}, up_{nullptr};
  torch::nn::ModuleList mid_blocks_{nullptr};
  CausalBlock1D final_block_{nullptr};
  torch::nn::Conv1d final_proj_{nullptr};
};
TORCH_MODULE(ConditionalUnet);

}  // namespace chatterbox::models::s3gen
