#pragma once
// The random draws of one speech stream. Every draw belongs to one mel frame and is made in
// frame order, one frame at a time, so a frame gets the same numbers however the stream's chunks
// group the frames, and a one-shot decode of the same tokens can be given exactly these draws.
//  - the flow's start noise: 80 values per frame (prompt and generated frames alike), from a
//    generator seeded with the stream's seed;
//  - the vocoder's: first the 9 initial harmonic phases (uniform), then 9 x 480 standard normal
//    values of sine noise per generated frame, from a second generator seeded with a fixed mix
//    of the seed (so the two sequences do not depend on how their draws interleave).

#include <torch/torch.h>

#include <cstdint>

#include "engine/models/s3gen/reference_embedding.h"
#include "engine/models/s3gen/s3gen.h"

namespace chatterbox::pipeline {

// Normal draws in frames of `channels` x `width` values, each frame its own call.
class FrameNoise {
 public:
  FrameNoise(torch::Generator generator, int64_t channels, int64_t width);

  // The next `frames` frames, (1, channels, frames * width) float32 on the CPU.
  torch::Tensor next(int64_t frames);
  int64_t drawn() const { return drawn_; }
  // Uniform [0, 1) draws from the same generator (not frames).
  torch::Tensor uniform(c10::IntArrayRef shape);

 private:
  torch::Generator generator_;
  int64_t channels_, width_;
  int64_t drawn_ = 0;
};

class StreamDraws {
 public:
  explicit StreamDraws(uint64_t seed);

  // The flow's start noise for frames [0, frames), (1, 80, frames), extended as needed.
  torch::Tensor flow_noise(int64_t frames);
  // The vocoder's initial phases, (1, 9, 1) uniform.
  const torch::Tensor& phase_uniform() const { return phase_uniform_; }
  // Sine noise for the next `frames` generated frames, (1, 9, 480 frames).
  torch::Tensor next_sine_noise(int64_t frames) { return sine_.next(frames); }

 private:
  FrameNoise flow_;
  FrameNoise sine_;
  torch::Tensor z_;  // (1, 80, drawn) so far
  torch::Tensor phase_uniform_;
};

// The draws a stream seeded with `seed` uses, laid out for S3Gen::inference over the same
// `tokens` speech tokens (Turbo's silences included) with `ref`: the comparison of a stream with
// its one-shot decode.
models::s3gen::S3GenNoise one_shot_draws(uint64_t seed,
                                         const models::s3gen::ReferenceEmbedding& ref,
                                         int64_t tokens);

}  // namespace chatterbox::pipeline
