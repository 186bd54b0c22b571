#pragma once
// S3Gen's UpsampleConformerEncoder: token embeddings (25 Hz) -> 512-channel features at the mel
// frame rate (50 Hz). Linear embed + relative positions, a 3-token look-ahead convolution, six
// conformer layers, nearest x2 upsampling with a causal convolution, a second embed, four more
// conformer layers, and a final LayerNorm. Attention is full (bidirectional) over real frames.

#include <torch/torch.h>

#include <utility>

#include "engine/models/s3gen/conformer.h"

namespace chatterbox::models::s3gen {

// Linear -> LayerNorm -> scale by sqrt(d), plus the relative-position table for the length.
class LinearEmbedImpl : public torch::nn::Module {
 public:
  explicit LinearEmbedImpl(int64_t d_model);
  // Returns (x scaled, pos (1, 2T-1, d)).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);

 private:
  int64_t d_model_;
  torch::nn::Linear linear_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(LinearEmbed);

// Each output frame sees input frames [t-2, t+3]: conv1 (k=4) over a right zero-pad of 3,
// leaky ReLU, conv2 (k=3) over a left zero-pad of 2, plus the input.
class PreLookaheadLayerImpl : public torch::nn::Module {
 public:
  PreLookaheadLayerImpl(int64_t channels, int64_t lookahead);
  // x (B,T,C); valid (B,T) bool. Padded frames are zeroed before the look-ahead so that an
  // item's output does not depend on how far it was padded (the reference assumes B = 1).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& valid);

 private:
  int64_t lookahead_;
  torch::nn::Conv1d conv1_{nullptr}, conv2_{nullptr};
};
TORCH_MODULE(PreLookaheadLayer);

// Nearest-neighbour x2 in time, left zero-pad 4, Conv1d k=5: (B,C,T) -> (B,C,2T).
class TimeUpsampleImpl : public torch::nn::Module {
 public:
  TimeUpsampleImpl(int64_t channels, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);
  int64_t stride() const { return stride_; }

 private:
  int64_t stride_;
  torch::nn::Conv1d conv_{nullptr};
};
TORCH_MODULE(TimeUpsample);

struct EncoderOutput {
  torch::Tensor hidden;   // (B, 2T, 512)
  torch::Tensor lengths;  // (B,) int64, 2 * input lengths
};

class UpsampleConformerEncoderImpl : public torch::nn::Module {
 public:
  UpsampleConformerEncoderImpl();
  // x (B,T,512) embedded tokens (zero at padded positions); lengths (B,) int64.
  EncoderOutput forward(const torch::Tensor& x, const torch::Tensor& lengths);

 private:
  LinearEmbed embed_{nullptr}, up_embed_{nullptr};
  PreLookaheadLayer pre_lookahead_layer_{nullptr};
  torch::nn::ModuleList encoders_{nullptr}, up_encoders_{nullptr};
  TimeUpsample up_layer_{nullptr};
  torch::nn::LayerNorm after_norm_{nullptr};
};
TORCH_MODULE(UpsampleConformerEncoder);

}  // namespace chatterbox::models::s3gen
