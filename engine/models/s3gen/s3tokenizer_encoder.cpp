#include "engine/models/s3gen/s3tokenizer_encoder.h"

#include <cmath>

#include "engine/common/error.h"

namespace chatterbox::models::s3gen {
namespace {

constexpr double kMaskedKeyBias = -1.0e10;

// (B, T) 0/1 float: 1 where position < length.
torch::Tensor frames_mask(const torch::Tensor& lengths, int64_t frames,
                          const torch::TensorOptions& options) {
  torch::Tensor positions = torch::arange(frames, lengths.options().dtype(torch::kInt64));
  return (positions.unsqueeze(0) < lengths.to(torch::kInt64).unsqueeze(1)).to(options);
}

// Output length of a k=3, stride-2, pad-1 convolution.
torch::Tensor strided_lengths(const torch::Tensor& lengths) {
  return torch::div(lengths - 1, 2, "floor") + 1;
}

}  // namespace

RotaryTables rotary_tables(int64_t head_dim, int64_t positions) {
  torch::Tensor exponents =
      torch::arange(0, head_dim, 2, torch::kInt64).slice(0, 0, head_dim / 2).to(torch::kFloat32) /
      static_cast<double>(head_dim);
  torch::Tensor inv_freq = torch::reciprocal(torch::pow(10000.0, exponents));
  torch::Tensor angles = torch::outer(torch::arange(positions, torch::kInt64), inv_freq);
  torch::Tensor rotors = torch::polar(torch::ones_like(angles), angles);
  torch::Tensor pairs = torch::view_as_real(torch::cat({rotors, rotors}, -1));
  return {pairs.select(-1, 0).contiguous(), pairs.select(-1, 1).contiguous()};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  torch::Tensor rotated = torch::cat({-x.slice(-1, half), x.slice(-1, 0, half)}, -1);
  auto c = cos.unsqueeze(0).unsqueeze(2);
  auto s = sin.unsqueeze(0).unsqueeze(2);
  return x * c + rotated * s;
}

FsmnAttentionImpl::FsmnAttentionImpl(int64_t n_state, int64_t n_head, int64_t kernel_size)
    : n_head_(n_head),
      pad_left_((kernel_size - 1) / 2),
      pad_right_(kernel_size - 1 - (kernel_size - 1) / 2) {
  query_ = register_module("query", torch::nn::Linear(n_state, n_state));
  key_ = register_module("key",
                         torch::nn::Linear(torch::nn::LinearOptions(n_state, n_state).bias(false)));
  value_ = register_module("value", torch::nn::Linear(n_state, n_state));
  out_ = register_module("out", torch::nn::Linear(n_state, n_state));
  fsmn_block_ = register_module(
      "fsmn_block",
      torch::nn::Conv1d(
          torch::nn::Conv1dOptions(n_state, n_state, kernel_size).groups(n_state).bias(false)));
}

torch::Tensor FsmnAttentionImpl::fsmn_memory(const torch::Tensor& v,
                                             const torch::Tensor& frame_mask) {
  torch::Tensor inputs = v * frame_mask;  // (B, T, C)
  torch::Tensor x = torch::constant_pad_nd(inputs.transpose(1, 2), {pad_left_, pad_right_}, 0.0);
  x = fsmn_block_->forward(x).transpose(1, 2);
  return (x + inputs) * frame_mask;
}

torch::Tensor FsmnAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& key_bias,
                                         const torch::Tensor& frame_mask, const torch::Tensor& cos,
                                         const torch::Tensor& sin) {
  const int64_t batch = x.size(0), frames = x.size(1), width = x.size(2);
  torch::Tensor q = query_->forward(x).view({batch, frames, n_head_, -1});
  torch::Tensor k = key_->forward(x).view({batch, frames, n_head_, -1});
  torch::Tensor v = value_->forward(x);
  q = apply_rotary(q, cos, sin);
  k = apply_rotary(k, cos, sin);
  torch::Tensor memory = fsmn_memory(v, frame_mask);

  // Both q and k carry head_dim^-1/4, as upstream scales them.
  const double scale = std::pow(static_cast<double>(width / n_head_), -0.25);
  torch::Tensor qh = q.permute({0, 2, 1, 3}) * scale;
  torch::Tensor kh = k.permute({0, 2, 3, 1}) * scale;
  torch::Tensor vh = v.view({batch, frames, n_head_, -1}).permute({0, 2, 1, 3});
  torch::Tensor scores = torch::matmul(qh, kh) + key_bias;
  torch::Tensor weights = torch::softmax(scores.to(torch::kFloat32), -1).to(qh.scalar_type());
  torch::Tensor mixed = torch::matmul(weights, vh).permute({0, 2, 1, 3}).flatten(2);
  return out_->forward(mixed) + memory;
}

S3EncoderBlockImpl::S3EncoderBlockImpl(int64_t n_state, int64_t n_head, int64_t kernel_size) {
  attn_ = register_module("attn", FsmnAttention(n_state, n_head, kernel_size));
  attn_ln_ = register_module(
      "attn_ln", torch::nn::LayerNorm(torch::nn::LayerNormOptions({n_state}).eps(1e-6)));
  mlp_ = register_module(
      "mlp", torch::nn::Sequential(torch::nn::Linear(n_state, 4 * n_state), torch::nn::GELU(),
                                   torch::nn::Linear(4 * n_state, n_state)));
  mlp_ln_ = register_module("mlp_ln",
                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({n_state}).eps(1e-5)));
}

torch::Tensor S3EncoderBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& key_bias,
                                          const torch::Tensor& frame_mask, const torch::Tensor& cos,
                                          const torch::Tensor& sin) {
  torch::Tensor h = x + attn_->forward(attn_ln_->forward(x), key_bias, frame_mask, cos, sin);
  return h + mlp_->forward(mlp_ln_->forward(h));
}

int64_t s3_encoder_output_frames(int64_t frames) {
  const int64_t after_first = (frames - 1) / 2 + 1;
  return (after_first - 1) / 2 + 1;
}

S3EncoderImpl::S3EncoderImpl(S3EncoderConfig config) : config_(config) {
  conv1_ = register_module(
      "conv1",
      torch::nn::Conv1d(
          torch::nn::Conv1dOptions(config.n_mels, config.n_state, 3).stride(2).padding(1)));
  conv2_ = register_module(
      "conv2",
      torch::nn::Conv1d(
          torch::nn::Conv1dOptions(config.n_state, config.n_state, 3).stride(2).padding(1)));
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.n_layer; ++i)
    blocks_->push_back(S3EncoderBlock(config.n_state, config.n_head, config.fsmn_kernel));
  RotaryTables tables = rotary_tables(config.n_state / config.n_head, config.rotary_positions);
  rotary_cos_ = register_buffer("rotary_cos", tables.cos);
  rotary_sin_ = register_buffer("rotary_sin", tables.sin);
}

std::vector<std::string> S3EncoderImpl::computed_buffer_names() {
  return {"rotary_cos", "rotary_sin"};
}

S3EncoderOutput S3EncoderImpl::forward(const torch::Tensor& mel, const torch::Tensor& mel_lengths) {
  if (mel.dim() != 3 || mel.size(1) != config_.n_mels)
    fail(ErrorCode::kInvalidArgument, "S3 encoder: expected mel (B, 128, T)");
  const auto options = mel.options();
  torch::Tensor lengths = mel_lengths.to(mel.device(), torch::kInt64);
  int64_t frames = mel.size(2);

  torch::Tensor x =
      torch::gelu(conv1_->forward(mel * frames_mask(lengths, frames, options).unsqueeze(1)));
  lengths = strided_lengths(lengths);
  frames = (frames - 1) / 2 + 1;
  x = torch::gelu(conv2_->forward(x * frames_mask(lengths, frames, options).unsqueeze(1)));
  lengths = strided_lengths(lengths);
  frames = (frames - 1) / 2 + 1;
  if (frames > rotary_cos_.size(0))
    fail(ErrorCode::kInvalidArgument, "S3 encoder: " + std::to_string(frames) +
                                          " frames exceed the rotary table of " +
                                          std::to_string(rotary_cos_.size(0)));

  torch::Tensor valid = frames_mask(lengths, frames, options);  // (B, T')
  torch::Tensor frame_mask = valid.unsqueeze(-1);
  torch::Tensor key_bias = ((1.0 - valid) * kMaskedKeyBias).view({valid.size(0), 1, 1, frames});
  torch::Tensor cos = rotary_cos_.slice(0, 0, frames).to(options);
  torch::Tensor sin = rotary_sin_.slice(0, 0, frames).to(options);
  x = x.permute({0, 2, 1});
  for (const auto& block : *blocks_)
    x = block->as<S3EncoderBlock>()->forward(x, key_bias, frame_mask, cos, sin);
  return {x, lengths};
}

}  // namespace chatterbox::models::s3gen
