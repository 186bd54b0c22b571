#pragma once
// The short STFT pair HiFT works with (n_fft 16, hop 4 at 24 kHz): a centred, reflect-padded
// forward transform of the source signal and the inverse that turns the predicted magnitude
// and phase back into a waveform. Both follow torch.stft / torch.istft defaults
// (center=True, onesided, not normalised).

#include <torch/torch.h>

namespace chatterbox::dsp {

// scipy.signal.get_window("hann", n, fftbins=True) computed in double, cast to float32:
// 0.5 + 0.5 cos(-pi + 2 pi k / n) for k = 0..n-1.
torch::Tensor scipy_periodic_hann(int64_t n, const torch::TensorOptions& options = {});

struct HiftStftConfig {
  int64_t n_fft = 16;
  int64_t hop = 4;
  int64_t bins() const { return n_fft / 2 + 1; }
};

// x (B, L) -> (B, 2 * bins, L / hop + 1): the real parts of all bins, then the imaginary parts.
torch::Tensor stft_real_imag(const torch::Tensor& x, const torch::Tensor& window,
                             const HiftStftConfig& config = {});

// magnitude, phase (B, bins, frames) -> waveform (B, hop * (frames - 1)), from the spectrum
// magnitude * (cos(phase) + i sin(phase)).
torch::Tensor istft_polar(const torch::Tensor& magnitude, const torch::Tensor& phase,
                          const torch::Tensor& window, const HiftStftConfig& config = {});

}  // namespace chatterbox::dsp
