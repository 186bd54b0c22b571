#include "engine/models/s3gen/campplus.h"

#include <algorithm>
#include <string>

#include "engine/common/error.h"
#include "engine/models/load_parameters.h"

namespace chatterbox::models::s3gen {

namespace nn = torch::nn;

namespace {

struct BlockShape {
  int64_t layers;
  int64_t dilation;
};
constexpr BlockShape kBlocks[] = {{12, 1}, {24, 2}, {16, 2}};
constexpr int64_t kKernel = 3;

dsp::KaldiFbankConfig fbank_config(int64_t mel_bins) {
  dsp::KaldiFbankConfig config;
  config.num_mel_bins = mel_bins;
  return config;
}

}  // namespace

XVectorTrunkImpl::XVectorTrunkImpl(int64_t in_channels, const CampPlusConfig& config) {
  tdnn_ = register_module("tdnn", TdnnLayer(in_channels, config.init_channels, 5, /*stride=*/2));
  int64_t channels = config.init_channels;
  const int64_t bn_channels = config.bn_size * config.growth_rate;
  for (size_t i = 0; i < std::size(kBlocks); ++i) {
    const std::string n = std::to_string(i + 1);
    blocks_.push_back(register_module(
        "block" + n, CamDenseTdnnBlock(kBlocks[i].layers, channels, config.growth_rate, bn_channels,
                                       kKernel, kBlocks[i].dilation)));
    channels += kBlocks[i].layers * config.growth_rate;
    transits_.push_back(register_module("transit" + n, TransitLayer(channels, channels / 2)));
    channels /= 2;
  }
  out_nonlinear_ = register_module("out_nonlinear", BatchNormRelu(channels));
  // The "dense" layer: Conv1x1 on the pooled statistics, then BatchNorm without affine or ReLU.
  auto dense = register_module("dense", std::make_shared<nn::Module>());
  dense_linear_ = dense->register_module(
      "linear", nn::Conv1d(nn::Conv1dOptions(2 * channels, config.embedding_size, 1).bias(false)));
  dense_nonlinear_ = dense->register_module(
      "nonlinear", BatchNormRelu(config.embedding_size, /*affine=*/false, /*relu=*/false));
}

torch::Tensor XVectorTrunkImpl::forward(const torch::Tensor& x) {
  torch::Tensor h = tdnn_->forward(x);
  for (size_t i = 0; i < blocks_.size(); ++i) h = transits_[i]->forward(blocks_[i]->forward(h));
  h = statistics_pooling(out_nonlinear_->forward(h));
  h = dense_linear_->forward(h.unsqueeze(-1)).squeeze(-1);
  return dense_nonlinear_->forward(h);
}

CampPlusImpl::CampPlusImpl(CampPlusConfig config)
    : config_(config), fbank_(fbank_config(config.feat_dim)) {
  head_ = register_module("head", FcmHead(config.feat_dim));
  xvector_ = register_module("xvector", XVectorTrunk(head_->out_channels(), config));
  eval();
}

void CampPlusImpl::load(const io::StateDict& weights) {
  load_parameters(*this, weights);
  eval();
}

torch::Device CampPlusImpl::device() const {
  return parameters().front().device();
}

torch::Tensor CampPlusImpl::forward(const torch::Tensor& feats) {
  torch::NoGradGuard no_grad;
  if (feats.dim() != 3 || feats.size(2) != config_.feat_dim)
    fail(ErrorCode::kInvalidArgument, "CAMPPlus: expected features (B, T, 80)");
  return xvector_->forward(head_->forward(feats.permute({0, 2, 1})));
}

torch::Tensor CampPlusImpl::features(const torch::Tensor& wav) const {
  return dsp::campplus_features(fbank_, wav.to(device()));
}

torch::Tensor CampPlusImpl::inference(const std::vector<torch::Tensor>& wavs) {
  if (wavs.empty()) fail(ErrorCode::kInvalidArgument, "CAMPPlus: no audio given");
  std::vector<torch::Tensor> feats;
  int64_t longest = 0;
  for (const auto& wav : wavs) {
    feats.push_back(features(wav.dim() == 2 ? wav.squeeze(0) : wav));
    longest = std::max(longest, feats.back().size(0));
  }
  torch::Tensor batch = torch::zeros(
      {static_cast<int64_t>(feats.size()), longest, config_.feat_dim}, feats[0].options());
  for (size_t i = 0; i < feats.size(); ++i) batch[i].slice(0, 0, feats[i].size(0)).copy_(feats[i]);
  return forward(batch);
}

torch::Tensor CampPlusImpl::inference(const torch::Tensor& wavs) {
  if (wavs.dim() == 1) return inference(std::vector<torch::Tensor>{wavs});
  if (wavs.dim() != 2) fail(ErrorCode::kInvalidArgument, "CAMPPlus: expected audio (B, L)");
  std::vector<torch::Tensor> rows;
  for (int64_t b = 0; b < wavs.size(0); ++b) rows.push_back(wavs[b]);
  return inference(rows);
}

}  // namespace chatterbox::models::s3gen
