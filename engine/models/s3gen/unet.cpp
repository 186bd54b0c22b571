#include "engine/models/s3gen/unet.h"

#include <cmath>

#include "engine/common/error.h"

namespace chatterbox::models::s3gen {

namespace {

constexpr int64_t kInChannels = 320;  // x, mu, spk, cond: 4 x 80
constexpr int64_t kMelChannels = 80;
constexpr int64_t kChannels = 256;
constexpr int64_t kTimeDim = 4 * kChannels;
constexpr int64_t kBlocksPerLevel = 4;
constexpr int64_t kMidLevels = 12;
constexpr int64_t kHeads = 8;
constexpr int64_t kHeadDim = 64;
constexpr double kTimeScale = 1000.0;
constexpr double kMaskedBias = -1.0e10;

}  // namespace

torch::Tensor sinusoidal_time_embedding(const torch::Tensor& t, int64_t dim) {
  const int64_t half = dim / 2;
  const double step = std::log(10000.0) / double(half - 1);
  auto freqs =
      torch::exp(torch::arange(half, t.options().dtype(torch::kInt64)).to(t.scalar_type()) * -step);
  auto angles = kTimeScale * t.reshape({-1}).unsqueeze(1) * freqs.unsqueeze(0);
  return torch::cat({angles.sin(), angles.cos()}, -1);
}

UnetLevelImpl::UnetLevelImpl(int64_t in_channels, int64_t channels, int64_t time_dim,
                             bool with_conv) {
  resnet_ = register_module("0", CausalResnetBlock1D(in_channels, channels, time_dim));
  transformers_ = register_module("1", torch::nn::ModuleList());
  for (int64_t i = 0; i < kBlocksPerLevel; ++i)
    transformers_->push_back(UnetTransformerBlock(channels, kHeads, kHeadDim));
  if (with_conv) conv_ = register_module("2", CausalConv1d(channels, channels, 3));
}

torch::Tensor UnetLevelImpl::forward(torch::Tensor x, const torch::Tensor& mask,
                                     const torch::Tensor& key_bias, const torch::Tensor& temb) {
  x = resnet_(x, mask, temb).transpose(1, 2).contiguous();
  for (auto& block : *transformers_) x = block->as<UnetTransformerBlock>()->forward(x, key_bias);
  return x.transpose(1, 2).contiguous();
}

torch::Tensor UnetLevelImpl::resample(const torch::Tensor& x, const torch::Tensor& mask) {
  return conv_(x * mask);
}

ConditionalUnetImpl::ConditionalUnetImpl(bool meanflow) : meanflow_(meanflow) {
  auto time_mlp = register_module("time_mlp", std::make_shared<torch::nn::Module>());
  time_linear_1_ = time_mlp->register_module("linear_1", torch::nn::Linear(kInChannels, kTimeDim));
  time_linear_2_ = time_mlp->register_module("linear_2", torch::nn::Linear(kTimeDim, kTimeDim));

  auto down_blocks = register_module("down_blocks", torch::nn::ModuleList());
  down_ = UnetLevel(kInChannels, kChannels, kTimeDim, /*with_conv=*/true);
  down_blocks->push_back(down_);
  mid_blocks_ = register_module("mid_blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < kMidLevels; ++i)
    mid_blocks_->push_back(UnetLevel(kChannels, kChannels, kTimeDim, /*with_conv=*/false));
  auto up_blocks = register_module("up_blocks", torch::nn::ModuleList());
  up_ = UnetLevel(2 * kChannels, kChannels, kTimeDim, /*with_conv=*/true);
  up_blocks->push_back(up_);

  final_block_ = register_module("final_block", CausalBlock1D(kChannels, kChannels));
  final_proj_ = register_module(
      "final_proj", torch::nn::Conv1d(torch::nn::Conv1dOptions(kChannels, kMelChannels, 1)));
  if (meanflow_) {
    time_embed_mixer_ = register_module(
        "time_embed_mixer",
        torch::nn::Linear(torch::nn::LinearOptions(2 * kTimeDim, kTimeDim).bias(false)));
  }
}

torch::Tensor ConditionalUnetImpl::time_embedding(const torch::Tensor& t, const torch::Tensor& r) {
  // Reduced precision would round t (bfloat16 keeps 8 bits) before its 1000x angles.
  const auto dtype = this->dtype();
  auto mlp = [&](const torch::Tensor& time) {
    auto angles = sinusoidal_time_embedding(time, kInChannels).to(dtype);
    return time_linear_2_(torch::silu(time_linear_1_(angles)));
  };
  auto temb = mlp(t);
  if (!meanflow_) return temb;
  if (!r.defined()) fail(ErrorCode::kInternal, "meanflow estimator called without its end time r");
  return time_embed_mixer_(torch::cat({temb, mlp(r)}, 1));
}

torch::Tensor ConditionalUnetImpl::forward(const torch::Tensor& x, const torch::Tensor& mask,
                                           const torch::Tensor& mu, const torch::Tensor& t,
                                           const torch::Tensor& spks, const torch::Tensor& cond,
                                           const torch::Tensor& r) {
  const auto dtype = this->dtype();
  auto temb = time_embedding(t, r);
  auto spk_frames = spks.unsqueeze(-1).expand({spks.size(0), spks.size(1), x.size(2)});
  auto h = torch::cat({x, mu, spk_frames, cond}, 1).to(dtype);
  auto key_bias = ((1.0 - mask) * kMaskedBias).to(dtype);  // (B,1,T)
  // float16 ends at 65504: -1e10 would be -inf, and a row of padding all -inf softmaxes to NaN.
  if (dtype == torch::kFloat16) key_bias = key_bias.clamp_min(-65504.0);
  const auto mask_in = mask.to(dtype);
  return forward_levels(h, mask_in, key_bias, temb).to(x.scalar_type());
}

torch::Tensor ConditionalUnetImpl::forward_levels(torch::Tensor h, const torch::Tensor& mask,
                                                  const torch::Tensor& key_bias,
                                                  const torch::Tensor& temb) {
  h = down_(h, mask, key_bias, temb);
  auto skip = h;
  h = down_->resample(h, mask);
  for (auto& level : *mid_blocks_) h = level->as<UnetLevel>()->forward(h, mask, key_bias, temb);
  h = torch::cat({h.slice(2, 0, skip.size(2)), skip}, 1);
  h = up_(h, mask, key_bias, temb);
  h = up_->resample(h, mask);
  h = final_block_(h, mask);
  return final_proj_(h * mask) * mask;
}

}  // namespace chatterbox::models::s3gen
