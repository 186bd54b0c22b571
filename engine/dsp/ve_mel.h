#pragma once
// The VoiceEncoder's 40-band mel front end (Chatterbox voice_encoder/melspec.py): librosa STFT
// (n_fft 400, hop 160, periodic Hann, centred with reflect padding), |X|^2, and a Slaney mel
// basis (0..8000 Hz, Slaney norm). Linear power, no log.
#include <torch/torch.h>

namespace chatterbox::dsp {

struct VeMelConfig {
  int sample_rate = 16000;
  int n_fft = 400;
  int hop = 160;
  int n_mels = 40;
  double fmin = 0.0;
  double fmax = 8000.0;
};

// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax) with htk=False, norm="slaney", float32:
// (n_mels, n_fft/2 + 1) on the CPU. (Private to the VE until the dsp mel helpers are unified.)
torch::Tensor ve_mel_filters(const VeMelConfig& config = {});

// Mono 16 kHz audio (N,) -> (1 + N/hop, n_mels) float32 on the input's device.
// Throws kInvalidArgument when the audio is too short for the reflect padding (<= n_fft/2).
torch::Tensor ve_mel_spectrogram(const torch::Tensor& wav, const VeMelConfig& config = {});

}  // namespace chatterbox::dsp
