#include "engine/dsp/mel_filters.h"

#include <cmath>
#include <string>
#include <vector>

#include "engine/common/error.h"

namespace chatterbox::dsp {
namespace {

constexpr double kLinearMelStep = 200.0 / 3;  // Hz per mel below the break
constexpr double kBreakHz = 1000.0;

double log_mel_step() {
  return std::log(6.4) / 27.0;
}
double break_mel() {
  return kBreakHz / kLinearMelStep;
}

// numpy.linspace(start, stop, count) with the end point set exactly.
std::vector<double> linspace(double start, double stop, int64_t count) {
  std::vector<double> out(count);
  const double step = (stop - start) / static_cast<double>(count - 1);
  for (int64_t i = 0; i < count; ++i) out[i] = static_cast<double>(i) * step + start;
  out[count - 1] = stop;
  return out;
}

}  // namespace

double hz_to_slaney_mel(double hz) {
  if (hz >= kBreakHz) return break_mel() + std::log(hz / kBreakHz) / log_mel_step();
  return hz / kLinearMelStep;
}

double slaney_mel_to_hz(double mel) {
  if (mel >= break_mel()) return kBreakHz * std::exp(log_mel_step() * (mel - break_mel()));
  return kLinearMelStep * mel;
}

torch::Tensor slaney_mel_filters(int64_t sample_rate, int64_t n_fft, int64_t n_mels, double fmin,
                                 double fmax) {
  if (sample_rate <= 0 || n_fft <= 1 || n_mels <= 0)
    fail(ErrorCode::kInvalidArgument, "slaney_mel_filters: bad sizes");
  if (fmax <= 0.0) fmax = static_cast<double>(sample_rate) / 2;
  const int64_t n_bins = 1 + n_fft / 2;

  // numpy.fft.rfftfreq(n_fft, 1/sr): k * (1 / (n_fft * (1/sr))).
  const double bin_hz = 1.0 / (static_cast<double>(n_fft) * (1.0 / sample_rate));
  std::vector<double> mel_mels =
      linspace(hz_to_slaney_mel(fmin), hz_to_slaney_mel(fmax), n_mels + 2);
  std::vector<double> edges(n_mels + 2);
  for (int64_t i = 0; i < n_mels + 2; ++i) edges[i] = slaney_mel_to_hz(mel_mels[i]);

  torch::Tensor filters = torch::zeros({n_mels, n_bins}, torch::kFloat32);
  auto w = filters.accessor<float, 2>();
  for (int64_t m = 0; m < n_mels; ++m) {
    const double rise = edges[m + 1] - edges[m];
    const double fall = edges[m + 2] - edges[m + 1];
    const double area_norm = 2.0 / (edges[m + 2] - edges[m]);
    for (int64_t k = 0; k < n_bins; ++k) {
      const double f = static_cast<double>(k) * bin_hz;
      const double lower = -(edges[m] - f) / rise;
      const double upper = (edges[m + 2] - f) / fall;
      const float triangle = static_cast<float>(std::max(0.0, std::min(lower, upper)));
      w[m][k] = static_cast<float>(static_cast<double>(triangle) * area_norm);
    }
  }
  return filters;
}

double hz_to_kaldi_mel(double hz) {
  return 1127.0 * std::log(1.0 + hz / 700.0);
}

torch::Tensor kaldi_mel_banks(int64_t num_bins, int64_t padded_window, double sample_freq,
                              double low_freq, double high_freq) {
  const double nyquist = 0.5 * sample_freq;
  if (high_freq <= 0.0) high_freq += nyquist;
  if (num_bins <= 3 || padded_window % 2 != 0 || !(0.0 <= low_freq && low_freq < nyquist) ||
      !(0.0 < high_freq && high_freq <= nyquist) || low_freq >= high_freq)
    fail(ErrorCode::kInvalidArgument,
         "kaldi_mel_banks: bad options (bins " + std::to_string(num_bins) + ", low " +
             std::to_string(low_freq) + ", high " + std::to_string(high_freq) + ")");
  const int64_t num_fft_bins = padded_window / 2;
  const double fft_bin_width = sample_freq / static_cast<double>(padded_window);
  const double mel_low = hz_to_kaldi_mel(low_freq);
  const double mel_high = hz_to_kaldi_mel(high_freq);
  const double mel_delta = (mel_high - mel_low) / static_cast<double>(num_bins + 1);

  // Same float32 tensor arithmetic as torchaudio, so the banks agree to the bit.
  torch::Tensor bin = torch::arange(num_bins, torch::kInt64).unsqueeze(1);
  torch::Tensor left = bin * mel_delta + mel_low;
  torch::Tensor center = (bin + 1.0) * mel_delta + mel_low;
  torch::Tensor right = (bin + 2.0) * mel_delta + mel_low;
  torch::Tensor freq = torch::arange(num_fft_bins, torch::kFloat32) * fft_bin_width;
  torch::Tensor mel = ((freq / 700.0 + 1.0).log() * 1127.0).unsqueeze(0);
  torch::Tensor up = (mel - left) / (center - left);
  torch::Tensor down = (right - mel) / (right - center);
  torch::Tensor banks = torch::max(torch::zeros({1}), torch::min(up, down));
  return torch::constant_pad_nd(banks, {0, 1}, 0.0);
}

}  // namespace chatterbox::dsp
