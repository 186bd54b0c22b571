#pragma once
// Kaldi-compatible log mel filter-bank features as torchaudio.compliance.kaldi.fbank computes
// them with its defaults (25 ms / 10 ms frames, snip edges, no dither, DC removal,
// pre-emphasis 0.97, povey window, 512-point power spectrum, Kaldi mel banks from 20 Hz to
// Nyquist, log with a float-epsilon floor). CAMPPlus's front end (spec s3gen.md 4.3).

#include <torch/torch.h>

namespace chatterbox::dsp {

struct KaldiFbankConfig {
  double sample_rate = 16000.0;
  double frame_length_ms = 25.0;
  double frame_shift_ms = 10.0;
  int64_t num_mel_bins = 80;
  double low_freq = 20.0;
  double high_freq = 0.0;  // <= 0: offset from Nyquist
  double preemphasis = 0.97;
};

class KaldiFbank {
 public:
  explicit KaldiFbank(KaldiFbankConfig config = {});

  // One mono waveform (L,) float32 (any scale) -> (frames, num_mel_bins), frames =
  // 1 + (L - frame_length) / frame_shift. Fails when L is shorter than one frame.
  torch::Tensor operator()(const torch::Tensor& wav) const;

  int64_t frame_length() const { return frame_length_; }
  int64_t frame_shift() const { return frame_shift_; }
  int64_t fft_size() const { return fft_size_; }
  const torch::Tensor& mel_banks() const { return mel_banks_; }

 private:
  KaldiFbankConfig config_;
  int64_t frame_length_;
  int64_t frame_shift_;
  int64_t fft_size_;
  torch::Tensor window_;     // povey, (frame_length,), CPU
  torch::Tensor mel_banks_;  // (num_mel_bins, fft_size/2 + 1), CPU
};

// The CAMPPlus feature: fbank with 80 bins, then the per-utterance mean over time removed.
torch::Tensor campplus_features(const KaldiFbank& fbank, const torch::Tensor& wav);

}  // namespace chatterbox::dsp
