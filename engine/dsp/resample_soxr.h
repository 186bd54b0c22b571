#pragma once
// Sample-rate conversion with libsoxr as librosa.resample(res_type="soxr_hq") does it:
// python-soxr's streaming call (SOXR_HQ recipe, no flags, float32 interleaved I/O), then the
// length forced to ceil(N * out_rate / in_rate) by zero-padding or trimming.
#include <torch/torch.h>

#include "engine/dsp/audio_file.h"

namespace chatterbox::dsp {

// `wav` is (N,) or (B, N) float; the result has the input's device and dtype float32.
// Equal rates return the input unchanged (as librosa does).
torch::Tensor resample_soxr_hq(const torch::Tensor& wav, int in_rate, int out_rate);

// librosa.load(..., sr=rate) after decoding: the mono samples at `rate` (soxr HQ).
Audio to_rate(const Audio& audio, int rate);

// ceil(n * out_rate / in_rate), the length librosa.resample gives.
int64_t resampled_length(int64_t n, int in_rate, int out_rate);

}  // namespace chatterbox::dsp
