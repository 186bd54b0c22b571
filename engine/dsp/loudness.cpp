#include "engine/dsp/loudness.h"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/common/error.h"

namespace chatterbox::dsp {
namespace {

constexpr double kBlockSeconds = 0.4;
constexpr double kOverlap = 0.75;
constexpr double kAbsoluteGate = -70.0;
constexpr double kRelativeGate = -10.0;

// scipy.signal.lfilter (direct form II transposed, normalised by a0) in double; each stage's
// output is stored as float32, as pyloudnorm writes it back into the float32 input array.
void filter_in_place(std::vector<float>& x, const Biquad& f) {
  const double a0 = f.a[0];
  const double b0 = f.b[0] / a0, b1 = f.b[1] / a0, b2 = f.b[2] / a0;
  const double a1 = f.a[1] / a0, a2 = f.a[2] / a0;
  double z1 = 0.0, z2 = 0.0;
  for (float& v : x) {
    const double in = v;
    const double out = b0 * in + z1;
    z1 = b1 * in + z2 - a1 * out;
    z2 = b2 * in - a2 * out;
    v = static_cast<float>(out);
  }
}

double block_loudness(double mean_square) {
  return -0.691 + 10.0 * std::log10(mean_square);
}

double mean_of(const std::vector<double>& z, const std::vector<bool>& keep) {
  double sum = 0.0;
  int64_t count = 0;
  for (size_t j = 0; j < z.size(); ++j) {
    if (!keep[j]) continue;
    sum += z[j];
    ++count;
  }
  return count > 0 ? sum / static_cast<double>(count) : std::nan("");
}

}  // namespace

Biquad k_weighting_shelf(double sample_rate) {
  const double gain_db = 4.0, q = 1.0 / std::sqrt(2.0), fc = 1500.0;
  const double A = std::pow(10.0, gain_db / 40.0);
  const double w0 = 2.0 * M_PI * (fc / sample_rate);
  const double alpha = std::sin(w0) / (2.0 * q);
  const double c = std::cos(w0), s = 2.0 * std::sqrt(A) * alpha;
  return Biquad{
      {A * ((A + 1) + (A - 1) * c + s), -2 * A * ((A - 1) + (A + 1) * c),
       A * ((A + 1) + (A - 1) * c - s)},
      {(A + 1) - (A - 1) * c + s, 2 * ((A - 1) - (A + 1) * c), (A + 1) - (A - 1) * c - s}};
}

Biquad k_weighting_highpass(double sample_rate) {
  const double q = 0.5, fc = 38.0;
  const double w0 = 2.0 * M_PI * (fc / sample_rate);
  const double alpha = std::sin(w0) / (2.0 * q);
  const double c = std::cos(w0);
  return Biquad{{(1 + c) / 2, -(1 + c), (1 + c) / 2}, {1 + alpha, -2 * c, 1 - alpha}};
}

double integrated_loudness(const torch::Tensor& wav, int sample_rate) {
  if (wav.dim() != 1) fail(ErrorCode::kInvalidArgument, "loudness expects mono (N,) audio");
  if (sample_rate <= 0) fail(ErrorCode::kInvalidArgument, "sample rate must be positive");
  const torch::Tensor cpu = wav.detach().to(torch::kCPU, torch::kFloat32).contiguous();
  const int64_t n = cpu.size(0);
  const double rate = sample_rate;
  if (static_cast<double>(n) < kBlockSeconds * rate) {
    fail(ErrorCode::kInvalidArgument,
         "audio of " + std::to_string(n) + " samples is shorter than one 400 ms loudness block");
  }
  std::vector<float> x(cpu.data_ptr<float>(), cpu.data_ptr<float>() + n);
  filter_in_place(x, k_weighting_shelf(rate));
  filter_in_place(x, k_weighting_highpass(rate));

  // Block boundaries use pyloudnorm's exact float expressions (round half to even, truncation).
  const double step = 1.0 - kOverlap;
  const double seconds = static_cast<double>(n) / rate;
  const auto blocks =
      static_cast<int64_t>(std::nearbyint((seconds - kBlockSeconds) / (kBlockSeconds * step))) + 1;
  std::vector<double> z(static_cast<size_t>(blocks));
  std::vector<double> level(z.size());
  for (int64_t j = 0; j < blocks; ++j) {
    const auto lo = static_cast<int64_t>(kBlockSeconds * (static_cast<double>(j) * step) * rate);
    const auto hi =
        static_cast<int64_t>(kBlockSeconds * (static_cast<double>(j) * step + 1.0) * rate);
    double sum = 0.0;
    for (int64_t i = lo; i < std::min(hi, n); ++i) {
      const float sq = x[static_cast<size_t>(i)] * x[static_cast<size_t>(i)];
      sum += sq;
    }
    z[static_cast<size_t>(j)] = (1.0 / (kBlockSeconds * rate)) * sum;
    level[static_cast<size_t>(j)] = block_loudness(z[static_cast<size_t>(j)]);
  }

  std::vector<bool> keep(z.size());
  for (size_t j = 0; j < z.size(); ++j) keep[j] = level[j] >= kAbsoluteGate;
  const double relative_gate = block_loudness(mean_of(z, keep)) + kRelativeGate;
  for (size_t j = 0; j < z.size(); ++j) {
    keep[j] = level[j] > relative_gate && level[j] > kAbsoluteGate;
  }
  double gated = mean_of(z, keep);
  if (std::isnan(gated)) gated = 0.0;  // numpy.nan_to_num; log10(0) gives -inf
  return block_loudness(gated);
}

LoudnessResult normalize_loudness(const torch::Tensor& wav, int sample_rate, double target_lufs) {
  LoudnessResult result;
  result.wav = wav;
  result.input_lufs = std::nan("");
  try {
    result.input_lufs = integrated_loudness(wav, sample_rate);
  } catch (const Error&) {
    return result;  // the reference prints a warning and skips normalisation
  }
  const double gain = std::pow(10.0, (target_lufs - result.input_lufs) / 20.0);
  if (!std::isfinite(gain) || gain <= 0.0) return result;
  result.gain = gain;
  result.applied = true;
  // The reference's gain is a numpy float64, so (NumPy 2) the product is formed in double and
  // rounded once to float32 when it is handed on.
  result.wav = (wav.to(torch::kFloat64) * gain).to(torch::kFloat32);
  return result;
}

}  // namespace chatterbox::dsp
