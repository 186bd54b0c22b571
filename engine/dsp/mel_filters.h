#pragma once
// Mel filter banks, computed here rather than loaded: librosa's Slaney banks (used by the
// 24 kHz prompt mel and the S3Tokenizer log-mel) and torchaudio's Kaldi banks (CAMPPlus fbank).

#include <torch/torch.h>

namespace chatterbox::dsp {

// Slaney mel scale (librosa, htk=False): linear below 1 kHz, logarithmic above.
double hz_to_slaney_mel(double hz);
double slaney_mel_to_hz(double mel);

// librosa 0.11 `filters.mel(sr, n_fft, n_mels, fmin, fmax)` with norm="slaney": float32
// (n_mels, 1 + n_fft/2) on the CPU. `fmax` <= 0 means sr/2. The triangles are computed in
// double, rounded to float32, then scaled by the double area norm and rounded again, as
// librosa does.
torch::Tensor slaney_mel_filters(int64_t sample_rate, int64_t n_fft, int64_t n_mels,
                                 double fmin = 0.0, double fmax = 0.0);

// Kaldi mel scale: 1127 ln(1 + f/700).
double hz_to_kaldi_mel(double hz);

// torchaudio.compliance.kaldi.get_mel_banks without VTLN warping: float32
// (num_bins, padded_window/2 + 1) on the CPU, the last (Nyquist) column zero. Computed in
// float32 with the same operations as torchaudio. `high_freq` <= 0 is an offset from Nyquist.
torch::Tensor kaldi_mel_banks(int64_t num_bins, int64_t padded_window, double sample_freq,
                              double low_freq, double high_freq);

}  // namespace chatterbox::dsp
