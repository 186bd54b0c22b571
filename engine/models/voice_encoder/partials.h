#pragma once
// How the VoiceEncoder cuts an utterance's mel into overlapping fixed-size windows
// (Chatterbox voice_encoder.py: get_frame_step, get_num_wins, stride_as_partials).
#include <torch/torch.h>

#include <cstdint>

namespace chatterbox::voice_encoder {

struct PartialPlan {
  int64_t count = 0;          // number of windows
  int64_t target_frames = 0;  // the mel is zero-padded or cut to this length
  int64_t step = 0;           // frames between window starts
  int64_t window = 0;         // frames per window
};

// Window step for `rate` partials per second: round((sample_rate / rate) / window).
// (The reference divides by the window length, not the hop; kept for parity.)
int64_t partial_step(double rate, int sample_rate, int64_t window);

// The windows covering `n_frames` frames, adding a last partial window when it would cover at
// least `min_coverage` of its frames. Throws kInvalidArgument for n_frames <= 0.
PartialPlan plan_partials(int64_t n_frames, int64_t step, int64_t window,
                          double min_coverage = 0.8);

// (T, M) mel -> (count, window, M) windows (copies), zero-padding the tail as planned.
torch::Tensor cut_partials(const torch::Tensor& mel, const PartialPlan& plan);

}  // namespace chatterbox::voice_encoder
