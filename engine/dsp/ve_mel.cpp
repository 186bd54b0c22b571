#include "engine/dsp/ve_mel.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/common/error.h"
#include "engine/dsp/mel_filters.h"

namespace chatterbox::dsp {

torch::Tensor ve_mel_filters(const VeMelConfig& config) {
  return slaney_mel_filters(config.sample_rate, config.n_fft, config.n_mels, config.fmin,
                            config.fmax);
}

torch::Tensor ve_mel_spectrogram(const torch::Tensor& wav, const VeMelConfig& config) {
  if (wav.dim() != 1) fail(ErrorCode::kInvalidArgument, "the VE mel expects mono (N,) audio");
  const int64_t pad = config.n_fft / 2;
  if (wav.size(0) <= pad) {
    fail(ErrorCode::kInvalidArgument,
         "audio of " + std::to_string(wav.size(0)) +
             " samples is too short for a speaker embedding (after trimming silence)");
  }
  // librosa windows float32 frames with a float64 window, so the FFT runs in double; its output
  // is stored as complex64, whose magnitude is then squared in float32.
  const auto f64 = wav.options().dtype(torch::kFloat64);
  const torch::Tensor padded =
      torch::nn::functional::pad(
          wav.detach().to(torch::kFloat64).view({1, 1, -1}),
          torch::nn::functional::PadFuncOptions({pad, pad}).mode(torch::kReflect))
          .view({-1});
  const torch::Tensor window = torch::hann_window(config.n_fft, /*periodic=*/true, f64);
  const torch::Tensor frames = padded.unfold(0, config.n_fft, config.hop) * window;  // (T, n_fft)
  const torch::Tensor spectrum =
      torch::fft::rfft(frames, config.n_fft, -1).to(torch::kComplexFloat);
  const torch::Tensor power = spectrum.abs().square();  // (T, bins)
  const torch::Tensor basis = ve_mel_filters(config).to(wav.device());
  return torch::matmul(power, basis.t()).contiguous();  // (T, n_mels)
}

}  // namespace chatterbox::dsp
