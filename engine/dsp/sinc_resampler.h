#pragma once
// Band-limited sinc resampling with a Hann-windowed kernel, exactly as torchaudio's
// `transforms.Resample` / `functional.resample` (sinc_interp_hann, lowpass_filter_width 6,
// rolloff 0.99). S3Gen's embed_ref uses it (24 kHz -> 16 kHz); the goldens' 24 kHz audio was
// made with it (16 kHz -> 24 kHz). Spec s3gen.md 4.4.

#include <torch/torch.h>

namespace chatterbox::dsp {

// The precision the kernel is computed in before it is rounded to float32. torchaudio's
// `transforms.Resample` (dtype None) computes it in float64; `functional.resample` computes it
// in the waveform's dtype (float32 for float32 audio).
enum class KernelPrecision { kFloat64, kFloat32 };

class SincResampler {
 public:
  SincResampler(int64_t source_rate, int64_t target_rate,
                KernelPrecision precision = KernelPrecision::kFloat64,
                int64_t lowpass_filter_width = 6, double rolloff = 0.99);

  // wav (..., L) float -> (..., ceil(L * target / source)). Identity when the rates match.
  torch::Tensor operator()(const torch::Tensor& wav) const;

  int64_t source_rate() const { return source_rate_; }
  int64_t target_rate() const { return target_rate_; }
  // (target/g, 1, kernel taps) float32 on the CPU; row k is output phase k.
  const torch::Tensor& kernel() const { return kernel_; }
  int64_t width() const { return width_; }

 private:
  int64_t source_rate_;
  int64_t target_rate_;
  int64_t source_step_ = 1;  // source_rate / gcd
  int64_t target_step_ = 1;  // target_rate / gcd
  int64_t width_ = 0;
  torch::Tensor kernel_;
};

// torchaudio.functional.resample on float32 audio (kernel in float32).
torch::Tensor resample_like_torchaudio_functional(const torch::Tensor& wav, int64_t source_rate,
                                                  int64_t target_rate);

}  // namespace chatterbox::dsp
