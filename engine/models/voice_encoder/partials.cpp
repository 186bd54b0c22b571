#include "engine/models/voice_encoder/partials.h"

#include <cmath>
#include <vector>

#include "engine/common/error.h"

namespace chatterbox::voice_encoder {

int64_t partial_step(double rate, int sample_rate, int64_t window) {
  // numpy.round: half to even.
  const auto step = static_cast<int64_t>(
      std::nearbyint((static_cast<double>(sample_rate) / rate) / static_cast<double>(window)));
  if (step <= 0 || step > window) {
    fail(ErrorCode::kInvalidArgument, "partial rate " + std::to_string(rate) +
                                          " gives an unusable window step of " +
                                          std::to_string(step) + " frames");
  }
  return step;
}

PartialPlan plan_partials(int64_t n_frames, int64_t step, int64_t window, double min_coverage) {
  if (n_frames <= 0) fail(ErrorCode::kInvalidArgument, "cannot embed an empty mel spectrogram");
  const int64_t span = std::max<int64_t>(n_frames - window + step, 0);
  int64_t count = span / step;
  const int64_t remainder = span % step;
  const double coverage =
      static_cast<double>(remainder + (window - step)) / static_cast<double>(window);
  if (count == 0 || coverage >= min_coverage) ++count;
  return PartialPlan{count, window + step * (count - 1), step, window};
}

torch::Tensor cut_partials(const torch::Tensor& mel, const PartialPlan& plan) {
  const int64_t frames = mel.size(0);
  torch::Tensor fitted = mel.narrow(0, 0, std::min(frames, plan.target_frames));
  if (plan.target_frames > frames) {
    fitted = torch::constant_pad_nd(fitted, {0, 0, 0, plan.target_frames - frames}, 0.0);
  }
  // unfold gives (count, M, window); put time before channels.
  return fitted.unfold(0, plan.window, plan.step).transpose(1, 2).contiguous();
}

}  // namespace chatterbox::voice_encoder
