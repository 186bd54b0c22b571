#include "engine/dsp/sinc_resampler.h"

#include <cmath>
#include <numeric>
#include <string>

#include "engine/common/error.h"

namespace chatterbox::dsp {
namespace {

struct Kernel {
  torch::Tensor taps;
  int64_t width;
};

// The windowed-sinc taps for `target_step` output phases, with the same tensor arithmetic
// (and so the same rounding) as torchaudio's _get_sinc_resample_kernel.
Kernel make_kernel(int64_t source_step, int64_t target_step, KernelPrecision precision,
                   int64_t lowpass_filter_width, double rolloff) {
  const double base = static_cast<double>(std::min(source_step, target_step)) * rolloff;
  const int64_t width = static_cast<int64_t>(
      std::ceil(static_cast<double>(lowpass_filter_width * source_step) / base));
  const bool in_double = precision == KernelPrecision::kFloat64;
  const auto real = in_double ? torch::kFloat64 : torch::kFloat32;

  torch::Tensor idx = torch::arange(-width, width + source_step, torch::TensorOptions().dtype(real))
                          .view({1, 1, -1}) /
                      static_cast<double>(source_step);
  // torchaudio builds the phase offsets with an integer arange (dtype None) divided by the
  // step, which lands in float32 before being promoted by the float64 index.
  torch::Tensor phase = in_double
                            ? torch::arange(0, -target_step, -1, torch::kInt64) / target_step
                            : torch::arange(0, -target_step, -1, torch::kFloat32) / target_step;
  torch::Tensor t = phase.view({-1, 1, 1}) + idx;
  t.mul_(base);
  t.clamp_(-lowpass_filter_width, lowpass_filter_width);
  torch::Tensor window =
      torch::pow(torch::cos(t * M_PI / static_cast<double>(lowpass_filter_width) / 2.0), 2);
  t.mul_(M_PI);
  const double scale = base / static_cast<double>(source_step);
  torch::Tensor taps = torch::where(t == 0, torch::ones({}, t.options()), t.sin() / t);
  taps.mul_(window * scale);
  return {taps.to(torch::kFloat32), width};
}

}  // namespace

SincResampler::SincResampler(int64_t source_rate, int64_t target_rate, KernelPrecision precision,
                             int64_t lowpass_filter_width, double rolloff)
    : source_rate_(source_rate), target_rate_(target_rate) {
  if (source_rate <= 0 || target_rate <= 0 || lowpass_filter_width <= 0)
    fail(ErrorCode::kInvalidArgument, "SincResampler: rates and filter width must be positive (" +
                                          std::to_string(source_rate) + " -> " +
                                          std::to_string(target_rate) + ")");
  if (source_rate == target_rate) return;
  const int64_t g = std::gcd(source_rate, target_rate);
  source_step_ = source_rate / g;
  target_step_ = target_rate / g;
  Kernel k = make_kernel(source_step_, target_step_, precision, lowpass_filter_width, rolloff);
  kernel_ = k.taps;
  width_ = k.width;
}

torch::Tensor SincResampler::operator()(const torch::Tensor& wav) const {
  if (source_rate_ == target_rate_) return wav;
  if (!wav.is_floating_point() || wav.dim() < 1)
    fail(ErrorCode::kInvalidArgument, "SincResampler: expected floating-point audio (..., L)");
  const auto shape = wav.sizes().vec();
  const int64_t length = shape.back();
  torch::Tensor flat = wav.reshape({-1, length});
  torch::Tensor padded = torch::constant_pad_nd(flat, {width_, width_ + source_step_}, 0.0);
  torch::Tensor phases = torch::conv1d(padded.unsqueeze(1), kernel_.to(wav.options()), {},
                                       /*stride=*/source_step_);
  torch::Tensor out = phases.transpose(1, 2).reshape({flat.size(0), -1});
  const int64_t target_length = (target_step_ * length + source_step_ - 1) / source_step_;
  out = out.slice(1, 0, target_length);
  auto out_shape = shape;
  out_shape.back() = out.size(1);
  return out.reshape(out_shape);
}

torch::Tensor resample_like_torchaudio_functional(const torch::Tensor& wav, int64_t source_rate,
                                                  int64_t target_rate) {
  return SincResampler(source_rate, target_rate, KernelPrecision::kFloat32)(wav);
}

}  // namespace chatterbox::dsp
