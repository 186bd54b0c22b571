#pragma once
// ITU-R BS.1770 integrated loudness and loudness normalisation, computed the way pyloudnorm
// (Meter with K-weighting, normalize.loudness) does, so that the gain matches the reference.
#include <torch/torch.h>

namespace chatterbox::dsp {

// A biquad as pyloudnorm designs it (RBJ cookbook), coefficients not normalised by a0.
struct Biquad {
  double b[3];
  double a[3];
};

// The two K-weighting stages at `sample_rate`: a +4 dB high shelf at 1500 Hz (Q 1/sqrt 2),
// then a high-pass at 38 Hz (Q 0.5).
Biquad k_weighting_shelf(double sample_rate);
Biquad k_weighting_highpass(double sample_rate);

// Gated integrated loudness in LUFS of mono audio (N,): 400 ms blocks with 75 % overlap,
// absolute gate -70 LUFS, relative gate -10 LU. Returns -inf when every block is gated out.
// Throws kInvalidArgument when the audio is shorter than one block.
double integrated_loudness(const torch::Tensor& wav, int sample_rate);

struct LoudnessResult {
  torch::Tensor wav;        // normalised (or the input when skipped)
  double input_lufs = 0.0;  // measured loudness (NaN when it could not be measured)
  double gain = 1.0;        // linear gain applied
  bool applied = false;
};

// Chatterbox Turbo's norm_loudness: gain 10^((target - L)/20), applied in float32 only when
// finite and positive; too-short or silent audio comes back unchanged.
LoudnessResult normalize_loudness(const torch::Tensor& wav, int sample_rate,
                                  double target_lufs = -27.0);

}  // namespace chatterbox::dsp
