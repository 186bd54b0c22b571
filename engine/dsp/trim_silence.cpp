#include "engine/dsp/trim_silence.h"

#include <algorithm>
#include <cmath>

#include "engine/common/error.h"

namespace chatterbox::dsp {

SampleRange non_silent_range(const torch::Tensor& wav, const TrimOptions& options) {
  if (wav.dim() != 1) fail(ErrorCode::kInvalidArgument, "trimming expects mono (N,) audio");
  const int64_t n = wav.size(0);
  const int64_t frame = options.frame_length;
  const int64_t hop = options.hop_length;
  // Frame t covers padded[t*hop, t*hop + frame) with frame/2 zeros on each side (center=True,
  // pad_mode="constant"); the mean square stays in double here.
  const torch::Tensor padded =
      torch::constant_pad_nd(wav.detach().to(torch::kFloat64), {frame / 2, frame / 2}, 0.0);
  const int64_t frames = 1 + (padded.size(0) - frame) / hop;
  const torch::Tensor rms =
      padded.unfold(0, frame, hop).narrow(0, 0, frames).square().mean(1).sqrt();

  // 20 log10(max(1e-5, rms)) - 20 log10(max(1e-5, max rms)) > -top_db
  const torch::Tensor floor_rms = rms.clamp_min(1e-5);
  const torch::Tensor db = 20.0 * floor_rms.log10() - 20.0 * floor_rms.max().log10();
  const torch::Tensor loud = (db > -options.top_db).nonzero().flatten().cpu();
  if (loud.numel() == 0) return {0, 0};
  const int64_t first = loud[0].item<int64_t>();
  const int64_t last = loud[-1].item<int64_t>();
  return {first * hop, std::min(n, (last + 1) * hop)};
}

torch::Tensor trim_silence(const torch::Tensor& wav, const TrimOptions& options) {
  const SampleRange range = non_silent_range(wav, options);
  return wav.narrow(0, range.start, range.end - range.start);
}

}  // namespace chatterbox::dsp
