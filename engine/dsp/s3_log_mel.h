#pragma once
// The S3Tokenizer's 16 kHz, 128-bin log-mel (Whisper style; chatterbox
// S3Tokenizer.log_mel_spectrogram, spec s3gen.md 4.2): centred reflect-padded STFT (n_fft 400,
// hop 160, periodic Hann), last frame dropped, power, Slaney mel, log10(max(x, 1e-10)), floor
// at (max - 8) over the whole utterance, then (x + 4) / 4.

#include <torch/torch.h>

#include <optional>

namespace chatterbox::dsp {

class S3LogMel {
 public:
  static constexpr int64_t kSampleRate = 16000;
  static constexpr int64_t kFft = 400;
  static constexpr int64_t kHop = 160;
  static constexpr int64_t kMels = 128;

  // The filters and window are computed unless given (a checkpoint may carry them as the
  // tokenizer's `_mel_filters` / `window` buffers, which then take precedence, as in PyTorch).
  explicit S3LogMel(std::optional<torch::Tensor> mel_filters = std::nullopt,
                    std::optional<torch::Tensor> window = std::nullopt);

  // One utterance: (L,) -> (128, L/160), or (1, L) -> (1, 128, L/160). The dynamic-range
  // floor uses the maximum over the whole input, so batch items must go in one at a time.
  torch::Tensor operator()(const torch::Tensor& wav) const;

  // (128, 201) float32, CPU: librosa.filters.mel(sr=16000, n_fft=400, n_mels=128).
  const torch::Tensor& mel_filters() const { return mel_filters_; }
  // (400,) periodic Hann, CPU.
  const torch::Tensor& window() const { return window_; }

 private:
  torch::Tensor mel_filters_;
  torch::Tensor window_;
};

}  // namespace chatterbox::dsp
