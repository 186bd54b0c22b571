#include "engine/models/t3/rope.h"

#include <cmath>

namespace chatterbox::models::t3 {

torch::Tensor llama3_inverse_frequencies(const T3Config& c) {
  auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  auto exponents = torch::arange(0, c.head_dim, 2, torch::kLong).to(torch::kFloat32) /
                   static_cast<double>(c.head_dim);
  // Python's `scalar / tensor` is reciprocal(tensor) * scalar; keep that rounding.
  auto inv_freq = torch::pow(c.rope_theta, exponents).reciprocal();

  const double low_freq_wavelen = c.rope_original_context / c.rope_low_freq_factor;
  const double high_freq_wavelen = c.rope_original_context / c.rope_high_freq_factor;
  auto wavelen = inv_freq.reciprocal() * (2.0 * M_PI);
  auto scaled = torch::where(wavelen > low_freq_wavelen, inv_freq / c.rope_factor, inv_freq);
  auto smooth = (wavelen.reciprocal() * c.rope_original_context - c.rope_low_freq_factor) /
                (c.rope_high_freq_factor - c.rope_low_freq_factor);
  auto smoothed = (1 - smooth) * scaled / c.rope_factor + smooth * scaled;
  auto medium = (wavelen < high_freq_wavelen)
                    .logical_not()
                    .logical_and((wavelen > low_freq_wavelen).logical_not());
  return torch::where(medium, smoothed, scaled).to(f32);
}

RotaryTables rotary_tables(const torch::Tensor& inverse_frequencies,
                           const torch::Tensor& positions) {
  auto inv = inverse_frequencies.to(positions.device());
  auto freqs = positions.to(torch::kFloat32).unsqueeze(-1) * inv.view({1, 1, -1});  // (B,T,D/2)
  auto angles = torch::cat({freqs, freqs}, -1).unsqueeze(1);                        // (B,1,T,D)
  auto sin = freqs.sin();
  return {angles.cos(), torch::cat({sin.neg(), sin}, -1).unsqueeze(1)};
}

torch::Tensor apply_rotary(const torch::Tensor& x, const RotaryTables& t) {
  auto halves = x.sizes().vec();
  halves.back() = 2;
  halves.push_back(x.size(-1) / 2);
  // A view whatever x's strides, as long as its last axis is contiguous (it is, from a linear).
  auto swapped = x.view(halves).flip(-2).view(x.sizes());
  return x * t.cos + swapped * t.signed_sin;
}

}  // namespace chatterbox::models::t3
