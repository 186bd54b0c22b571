#pragma once
// S3TokenizerV2 ("speech_tokenizer_v2_25hz", 6561 codes) as chatterbox wraps it: 16 kHz audio
// -> 128-bin log-mel -> encoder -> FSQ codes at 25 tokens/s (spec s3gen.md 4.2, 5).
// Weights load from the checkpoint's "tokenizer." sub-dict; its `_mel_filters` / `window`
// buffers are optional there and computed when absent.

#include <torch/torch.h>

#include <optional>
#include <vector>

#include "engine/dsp/s3_log_mel.h"
#include "engine/io/state_dict.h"
#include "engine/models/s3gen/s3tokenizer_encoder.h"
#include "engine/models/s3gen/s3tokenizer_quantizer.h"
#include "engine/models/s3gen/speech_tokens.h"

namespace chatterbox::models::s3gen {

constexpr int64_t kS3SampleRate = 16000;
constexpr int64_t kS3MelFramesPerToken = 4;

struct SpeechTokens {
  torch::Tensor tokens;   // (B, T) int64; positions >= lengths[b] are padding
  torch::Tensor lengths;  // (B,) int64
};

class S3TokenizerImpl : public torch::nn::Module {
 public:
  // Utterances longer than this many mel frames (30 s) go through the windowed path.
  static constexpr int64_t kWindowFrames = 3000;
  static constexpr int64_t kWindowStrideFrames = 2600;
  static constexpr int64_t kMergeDropTokens = 50;

  explicit S3TokenizerImpl(S3EncoderConfig config = {});

  // Loads from the "tokenizer." sub-dict (keys "encoder.*", "quantizer.*", optional
  // "_mel_filters" (128, 201) and "window" (400,)).
  void load(const io::StateDict& weights);

  // 16 kHz utterances, each (L,) or (1, L), lengths may differ. Each one's log-mel is computed
  // on its own, cut to max_len * 4 frames when max_len is given, then the batch is padded.
  SpeechTokens forward(const std::vector<torch::Tensor>& wavs,
                       std::optional<int64_t> max_len = std::nullopt);
  // wavs (B, L) or (L,): the rows as separate utterances.
  SpeechTokens forward(const torch::Tensor& wavs, std::optional<int64_t> max_len = std::nullopt);

  // mel (B, 128, T) zero-padded with lengths (B,) -> tokens. Takes the windowed path when any
  // item exceeds kWindowFrames.
  SpeechTokens quantize(const torch::Tensor& mel, const torch::Tensor& mel_lengths);

  // Encoder output before quantisation (no windowing).
  S3EncoderOutput encode(const torch::Tensor& mel, const torch::Tensor& mel_lengths);

  // One utterance's log-mel: (L,) -> (128, T), (1, L) -> (1, 128, T).
  torch::Tensor log_mel(const torch::Tensor& wav) const { return log_mel_(wav.to(device())); }

  torch::Device device() const;
  FsqQuantizer& quantizer() { return quantizer_; }

 private:
  SpeechTokens quantize_windowed(const torch::Tensor& mel, const torch::Tensor& mel_lengths);

  dsp::S3LogMel log_mel_;
  S3Encoder encoder_{nullptr};
  FsqQuantizer quantizer_{nullptr};
};
TORCH_MODULE(S3Tokenizer);

// Pads (128, T_i) mels with zeros into (B, 128, T_max) and returns it with the lengths.
std::pair<torch::Tensor, torch::Tensor> pad_mels(const std::vector<torch::Tensor>& mels);

// Merges the token lists of overlapping windows: every window but the first loses its first
// `drop` tokens, every window but the last its last `drop`.
std::vector<int64_t> merge_windowed_tokens(const std::vector<std::vector<int64_t>>& windows,
                                           int64_t drop);

}  // namespace chatterbox::models::s3gen
