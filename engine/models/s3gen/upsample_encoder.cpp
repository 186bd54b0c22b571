#include "engine/models/s3gen/upsample_encoder.h"

#include <cmath>

#include "engine/models/s3gen/flow_masks.h"

namespace chatterbox::models::s3gen {

namespace {

constexpr int64_t kModelDim = 512;
constexpr int64_t kHeads = 8;
constexpr int64_t kFeedForwardDim = 2048;
constexpr int64_t kLayers = 6;
constexpr int64_t kUpLayers = 4;
constexpr int64_t kLookahead = 3;
constexpr int64_t kUpsampleStride = 2;
constexpr double kEmbedNormEps = 1e-5;

torch::nn::Conv1d plain_conv(int64_t in, int64_t out, int64_t kernel) {
  return torch::nn::Conv1d(torch::nn::Conv1dOptions(in, out, kernel).padding(0));
}

torch::Tensor run_layers(torch::nn::ModuleList& layers, torch::Tensor x,
                         const torch::Tensor& key_mask, const torch::Tensor& pos) {
  for (auto& layer : *layers) x = layer->as<ConformerLayer>()->forward(x, key_mask, pos);
  return x;
}

}  // namespace

LinearEmbedImpl::LinearEmbedImpl(int64_t d_model) : d_model_(d_model) {
  auto out = register_module("out", std::make_shared<torch::nn::Module>());
  linear_ = out->register_module("0", torch::nn::Linear(d_model, d_model));
  norm_ = out->register_module(
      "1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d_model}).eps(kEmbedNormEps)));
}

std::pair<torch::Tensor, torch::Tensor> LinearEmbedImpl::forward(const torch::Tensor& x) {
  auto h = norm_(linear_(x)) * std::sqrt(double(d_model_));
  return {h, relative_position_encoding(x.size(1), d_model_, h.options())};
}

PreLookaheadLayerImpl::PreLookaheadLayerImpl(int64_t channels, int64_t lookahead)
    : lookahead_(lookahead) {
  conv1_ = register_module("conv1", plain_conv(channels, channels, lookahead + 1));
  conv2_ = register_module("conv2", plain_conv(channels, channels, 3));
}

torch::Tensor PreLookaheadLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& valid) {
  auto h = (x * valid.unsqueeze(-1).to(x.dtype())).transpose(1, 2).contiguous();
  h = torch::constant_pad_nd(h, {0, lookahead_}, 0);
  h = torch::leaky_relu(conv1_(h), 0.01);
  h = torch::constant_pad_nd(h, {2, 0}, 0);
  h = conv2_(h).transpose(1, 2).contiguous();
  return h + x;
}

TimeUpsampleImpl::TimeUpsampleImpl(int64_t channels, int64_t stride) : stride_(stride) {
  conv_ = register_module("conv", plain_conv(channels, channels, 2 * stride + 1));
}

torch::Tensor TimeUpsampleImpl::forward(const torch::Tensor& x) {
  auto h = x.repeat_interleave(stride_, /*dim=*/2);
  h = torch::constant_pad_nd(h, {2 * stride_, 0}, 0);
  return conv_(h);
}

UpsampleConformerEncoderImpl::UpsampleConformerEncoderImpl() {
  auto make_layers = [](int64_t n) {
    torch::nn::ModuleList list;
    for (int64_t i = 0; i < n; ++i)
      list->push_back(ConformerLayer(kModelDim, kHeads, kFeedForwardDim));
    return list;
  };
  embed_ = register_module("embed", LinearEmbed(kModelDim));
  pre_lookahead_layer_ =
      register_module("pre_lookahead_layer", PreLookaheadLayer(kModelDim, kLookahead));
  encoders_ = register_module("encoders", make_layers(kLayers));
  up_layer_ = register_module("up_layer", TimeUpsample(kModelDim, kUpsampleStride));
  up_embed_ = register_module("up_embed", LinearEmbed(kModelDim));
  up_encoders_ = register_module("up_encoders", make_layers(kUpLayers));
  after_norm_ = register_module(
      "after_norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({kModelDim}).eps(kEmbedNormEps)));
}

EncoderOutput UpsampleConformerEncoderImpl::forward(const torch::Tensor& x,
                                                    const torch::Tensor& lengths) {
  auto valid = valid_mask(lengths, x.size(1));
  auto [h, pos] = embed_(x);
  h = pre_lookahead_layer_(h, valid);
  h = run_layers(encoders_, h, valid.unsqueeze(1), pos);

  h = up_layer_(h.transpose(1, 2).contiguous()).transpose(1, 2).contiguous();
  auto up_lengths = lengths * up_layer_->stride();
  auto up_valid = valid_mask(up_lengths, h.size(1));
  auto [h2, pos2] = up_embed_(h);
  h2 = run_layers(up_encoders_, h2, up_valid.unsqueeze(1), pos2);
  return {after_norm_(h2), up_lengths};
}

}  // namespace chatterbox::models::s3gen
