#include "engine/dsp/hift_stft.h"

#include <cmath>
#include <vector>

namespace chatterbox::dsp {

torch::Tensor scipy_periodic_hann(int64_t n, const torch::TensorOptions& options) {
  // scipy extends the window to n + 1 points of linspace(-pi, pi) and drops the last.
  const double step = 2 * M_PI / static_cast<double>(n);
  std::vector<double> values(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) values[k] = 0.5 + 0.5 * std::cos(k * step + -M_PI);
  return torch::tensor(values, torch::kFloat64).to(options.dtype(torch::kFloat32));
}

torch::Tensor stft_real_imag(const torch::Tensor& x, const torch::Tensor& window,
                             const HiftStftConfig& config) {
  const torch::Tensor spectrum =
      torch::stft(x, config.n_fft, config.hop, config.n_fft, window, /*center=*/true, "reflect",
                  /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
  const torch::Tensor parts = torch::view_as_real(spectrum);  // (B, bins, frames, 2)
  return torch::cat({parts.select(-1, 0), parts.select(-1, 1)}, 1);
}

torch::Tensor istft_polar(const torch::Tensor& magnitude, const torch::Tensor& phase,
                          const torch::Tensor& window, const HiftStftConfig& config) {
  const torch::Tensor spectrum =
      torch::complex(magnitude * torch::cos(phase), magnitude * torch::sin(phase));
  return torch::istft(spectrum, config.n_fft, config.hop, config.n_fft, window, /*center=*/true,
                      /*normalized=*/false, /*onesided=*/true);
}

}  // namespace chatterbox::dsp
