#pragma once
// The 24 kHz, 80-bin log-mel spectrogram S3Gen uses for its prompt (Matcha/CosyVoice style;
// chatterbox utils/mel.py, spec s3gen.md 4.1): reflect padding of (n_fft - hop)/2 on each side,
// an uncentred STFT, magnitude sqrt(|X|^2 + 1e-9), Slaney mel basis, ln(max(x, 1e-5)).

#include <torch/torch.h>

namespace chatterbox::dsp {

struct PromptMelConfig {
  int64_t n_fft = 1920;
  int64_t n_mels = 80;
  int64_t sample_rate = 24000;
  int64_t hop = 480;
  int64_t win = 1920;
  double fmin = 0.0;
  double fmax = 8000.0;
};

class PromptMelExtractor {
 public:
  explicit PromptMelExtractor(PromptMelConfig config = {});

  // wav (B, L) or (L,) float32 -> (B, n_mels, floor(L / hop)). Needs L > (n_fft - hop) / 2.
  torch::Tensor operator()(const torch::Tensor& wav) const;

  const PromptMelConfig& config() const { return config_; }
  const torch::Tensor& mel_basis() const { return mel_basis_; }

 private:
  PromptMelConfig config_;
  torch::Tensor mel_basis_;  // (n_mels, n_fft/2 + 1), CPU
  torch::Tensor window_;     // (win,), CPU
};

}  // namespace chatterbox::dsp
