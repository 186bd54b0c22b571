#include "engine/dsp/ve_mel.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine/common/error.h"

namespace chatterbox::dsp {
namespace {

// Slaney's mel scale: linear below 1 kHz (200/3 Hz per mel), logarithmic above.
constexpr double kLinearHzPerMel = 200.0 / 3.0;
constexpr double kLogStartHz = 1000.0;
constexpr double kLogStartMel = kLogStartHz / kLinearHzPerMel;

double log_step() {
  return std::log(6.4) / 27.0;
}

double hz_to_mel(double hz) {
  if (hz >= kLogStartHz) return kLogStartMel + std::log(hz / kLogStartHz) / log_step();
  return hz / kLinearHzPerMel;
}

double mel_to_hz(double mel) {
  if (mel >= kLogStartMel) return kLogStartHz * std::exp(log_step() * (mel - kLogStartMel));
  return kLinearHzPerMel * mel;
}

// n band edges evenly spaced in mel (numpy.linspace: i * step + start, last = stop), in Hz.
std::vector<double> mel_band_edges(int n, double fmin, double fmax) {
  const double lo = hz_to_mel(fmin), hi = hz_to_mel(fmax);
  const double step = (hi - lo) / (n - 1);
  std::vector<double> hz(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i)
    hz[static_cast<size_t>(i)] = mel_to_hz(i == n - 1 ? hi : i * step + lo);
  return hz;
}

}  // namespace

torch::Tensor ve_mel_filters(const VeMelConfig& config) {
  const int bins = config.n_fft / 2 + 1;
  const int n_mels = config.n_mels;
  const std::vector<double> edges = mel_band_edges(n_mels + 2, config.fmin, config.fmax);
  const double bin_hz = 1.0 / (config.n_fft * (1.0 / config.sample_rate));  // numpy rfftfreq
  torch::Tensor weights = torch::zeros({n_mels, bins}, torch::kFloat32);
  auto w = weights.accessor<float, 2>();
  for (int m = 0; m < n_mels; ++m) {
    const double lower_width = edges[m + 1] - edges[m];
    const double upper_width = edges[m + 2] - edges[m + 1];
    const double slaney_norm = 2.0 / (edges[m + 2] - edges[m]);
    for (int k = 0; k < bins; ++k) {
      const double f = k * bin_hz;
      const double rising = -(edges[m] - f) / lower_width;
      const double falling = (edges[m + 2] - f) / upper_width;
      // librosa stores the triangle in float32 first, then scales it by the norm in place.
      const float triangle = static_cast<float>(std::max(0.0, std::min(rising, falling)));
      w[m][k] = static_cast<float>(static_cast<double>(triangle) * slaney_norm);
    }
  }
  return weights;
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
