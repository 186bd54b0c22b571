#pragma once
// S3TokenizerV2's audio encoder (s3tokenizer model_v2 AudioEncoderV2; spec s3gen.md 5.1-5.3):
// two stride-2 convolutions with GELU, then six pre-norm blocks whose attention carries rotary
// position embeddings and an FSMN memory (a depthwise convolution over the values).

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

struct S3EncoderConfig {
  int64_t n_mels = 128;
  int64_t n_state = 1280;
  int64_t n_head = 20;
  int64_t n_layer = 6;
  int64_t fsmn_kernel = 31;
  int64_t rotary_positions = 2048;
};

// The rotary tables of precompute_freqs_cis(head_dim, positions): cos and sin of t * w_i
// (w_i = 10000^(-2i/head_dim)) for t < positions, each duplicated to (positions, head_dim).
struct RotaryTables {
  torch::Tensor cos;
  torch::Tensor sin;
};
RotaryTables rotary_tables(int64_t head_dim, int64_t positions);

// x (B, T, H, D) -> x * cos + rotate_half(x) * sin, with rotate_half(x) = [-x2, x1].
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos,
                           const torch::Tensor& sin);

class FsmnAttentionImpl : public torch::nn::Module {
 public:
  FsmnAttentionImpl(int64_t n_state, int64_t n_head, int64_t kernel_size);

  // x (B, T, C); key_bias (B, 1, 1, T) with 0 / -1e10; frame_mask (B, T, 1) of 0/1;
  // cos, sin (T, head_dim).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_bias,
                        const torch::Tensor& frame_mask, const torch::Tensor& cos,
                        const torch::Tensor& sin);

 private:
  torch::Tensor fsmn_memory(const torch::Tensor& v, const torch::Tensor& frame_mask);

  int64_t n_head_;
  int64_t pad_left_;
  int64_t pad_right_;
  torch::nn::Linear query_{nullptr}, key_{nullptr}, value_{nullptr}, out_{nullptr};
  torch::nn::Conv1d fsmn_block_{nullptr};
};
TORCH_MODULE(FsmnAttention);

class S3EncoderBlockImpl : public torch::nn::Module {
 public:
  S3EncoderBlockImpl(int64_t n_state, int64_t n_head, int64_t kernel_size);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& key_bias,
                        const torch::Tensor& frame_mask, const torch::Tensor& cos,
                        const torch::Tensor& sin);

 private:
  FsmnAttention attn_{nullptr};
  torch::nn::LayerNorm attn_ln_{nullptr};
  torch::nn::Sequential mlp_{nullptr};
  torch::nn::LayerNorm mlp_ln_{nullptr};
};
TORCH_MODULE(S3EncoderBlock);

struct S3EncoderOutput {
  torch::Tensor hidden;   // (B, T', n_state)
  torch::Tensor lengths;  // (B,) int64, valid frames of `hidden`
};

// Output frames for `frames` input mel frames: ceil(ceil(frames / 2) / 2).
int64_t s3_encoder_output_frames(int64_t frames);

class S3EncoderImpl : public torch::nn::Module {
 public:
  explicit S3EncoderImpl(S3EncoderConfig config = {});

  // mel (B, n_mels, T) zero-padded; mel_lengths (B,) integer.
  S3EncoderOutput forward(const torch::Tensor& mel, const torch::Tensor& mel_lengths);

  // Buffers computed here, not read from checkpoints (names relative to this module).
  static std::vector<std::string> computed_buffer_names();

 private:
  S3EncoderConfig config_;
  torch::nn::Conv1d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::ModuleList blocks_{nullptr};
  torch::Tensor rotary_cos_, rotary_sin_;
};
TORCH_MODULE(S3Encoder);

}  // namespace chatterbox::models::s3gen
