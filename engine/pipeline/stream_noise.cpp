#include "engine/pipeline/stream_noise.h"

#include <vector>

#include "engine/models/s3gen/flow.h"

namespace chatterbox::pipeline {
namespace {

constexpr int64_t kHarmonics = 9;
constexpr int64_t kSamplesPerFrame = 480;
// Golden-ratio constant: the vocoder's generator gets a seed unrelated to the flow's.
constexpr uint64_t kVocoderSeedMix = 0x9E3779B97F4A7C15ull;

torch::Generator cpu_generator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

int64_t prompt_length(const torch::Tensor& lens, int64_t fallback) {
  return lens.defined() && lens.numel() > 0 ? lens.reshape({-1})[0].item<int64_t>() : fallback;
}

}  // namespace

FrameNoise::FrameNoise(torch::Generator generator, int64_t channels, int64_t width)
    : generator_(std::move(generator)), channels_(channels), width_(width) {}

torch::Tensor FrameNoise::next(int64_t frames) {
  std::vector<torch::Tensor> parts;
  parts.reserve(static_cast<size_t>(std::max<int64_t>(frames, 0)));
  for (int64_t f = 0; f < frames; ++f)
    parts.push_back(torch::randn({1, channels_, width_}, generator_));
  drawn_ += std::max<int64_t>(frames, 0);
  if (parts.empty()) return torch::zeros({1, channels_, 0});
  return torch::cat(parts, 2);
}

torch::Tensor FrameNoise::uniform(c10::IntArrayRef shape) {
  return torch::rand(shape, generator_);
}

StreamDraws::StreamDraws(uint64_t seed)
    : flow_(cpu_generator(seed), models::s3gen::kMelBins, 1),
      sine_(cpu_generator(seed ^ kVocoderSeedMix), kHarmonics, kSamplesPerFrame),
      z_(torch::zeros({1, models::s3gen::kMelBins, 0})) {
  // The phases come first in the vocoder's sequence, before any sine noise.
  phase_uniform_ = sine_.uniform({1, kHarmonics, 1});
}

torch::Tensor StreamDraws::flow_noise(int64_t frames) {
  if (frames > z_.size(2)) z_ = torch::cat({z_, flow_.next(frames - z_.size(2))}, 2);
  return z_.slice(2, 0, frames);
}

models::s3gen::S3GenNoise one_shot_draws(uint64_t seed,
                                         const models::s3gen::ReferenceEmbedding& ref,
                                         int64_t tokens) {
  const int64_t tp = prompt_length(ref.prompt_token_len, ref.prompt_token.size(1));
  const int64_t tm = ref.prompt_feat.size(1);
  StreamDraws draws(seed);
  models::s3gen::S3GenNoise noise;
  const int64_t frames = models::s3gen::kTokenMelRatio * (tp + tokens);
  noise.flow_z = draws.flow_noise(frames).clone();
  noise.flow_generated = noise.flow_z.slice(2, models::s3gen::kTokenMelRatio * tp).clone();
  noise.hift_phase = draws.phase_uniform().clone();
  noise.hift_sine_noise = draws.next_sine_noise(std::max<int64_t>(0, frames - tm));
  return noise;
}

}  // namespace chatterbox::pipeline
