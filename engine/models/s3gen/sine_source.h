#pragma once
// HiFT's harmonic excitation (neural source-filter): SineGen makes the fundamental and its
// harmonics from the upsampled F0, with random initial phases and additive noise, and the
// source module merges them into one signal with a linear layer and tanh.

#include <torch/torch.h>

#include "engine/models/s3gen/hift_layers.h"

namespace chatterbox::models::s3gen {

struct SineGenConfig {
  int64_t harmonics = 9;  // the fundamental and 8 overtones
  double sample_rate = 24000.0;
  double sine_amp = 0.1;
  double noise_std = 0.003;  // noise amplitude where voiced; sine_amp / 3 where not
  double voiced_threshold = 10.0;
};

// Streaming continuity of the harmonic phases. Upstream starts the running phase of every call
// at 0 cycles; a pin makes a call continue an earlier one instead: row i's running phase at its
// sample at[i] is cycles[i] (rows with at[i] < 0, or no pin at all, start at 0 as upstream).
// The random initial phases are added on top either way.
struct SinePhasePin {
  torch::Tensor cycles;  // (B, harmonics, 1) float64, in cycles (turns)
  torch::Tensor at;      // (B,) int64 sample index
};

// The random inputs of one SineGen call, exactly as upstream draws them.
struct SineGenDraws {
  torch::Tensor phase_uniform;  // (B, harmonics, 1) uniform in [0, 1); mapped to [-pi, pi)
  torch::Tensor noise;          // (B, harmonics, L) standard normal
};

// Initial phases from the uniform draw: -pi + u * 2pi in float32, the fundamental's set to 0.
torch::Tensor initial_phases(const torch::Tensor& phase_uniform);

// The running phase in cycles of each harmonic, (B, harmonics, L) float64: the prefix sums of
// f0 * h / sr accumulated in double (then shifted to meet the pin, if there is one).
torch::Tensor harmonic_cycles(const torch::Tensor& f0, const SineGenConfig& config = {},
                              const SinePhasePin& pin = {});

// f0 (B, 1, L) in Hz, one value per output sample -> excitation (B, harmonics, L):
// voiced samples carry sine_amp * sin(2pi * (cumsum(f0 * h / sr) mod 1) + phase) plus small
// noise; unvoiced samples (f0 <= threshold) carry noise only.
torch::Tensor sine_excitation(const torch::Tensor& f0, const SineGenDraws& draws,
                              const SineGenConfig& config = {}, const SinePhasePin& pin = {});

class SourceModuleImpl : public torch::nn::Module {
 public:
  explicit SourceModuleImpl(SineGenConfig config = {});
  // f0 (B, 1, L) -> source signal (B, 1, L) = tanh(linear(excitation)).
  torch::Tensor forward(const torch::Tensor& f0, const SineGenDraws& draws,
                        const SinePhasePin& pin = {});

  const SineGenConfig& config() const { return config_; }

 private:
  SineGenConfig config_;
  HiftLinear l_linear_{nullptr};
};
TORCH_MODULE(SourceModule);

}  // namespace chatterbox::models::s3gen
