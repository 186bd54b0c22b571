#include "engine/models/s3gen/sine_source.h"

#include <cmath>
#include <string>

#include "engine/common/error.h"

namespace chatterbox::models::s3gen {
namespace {

void check_draw(const torch::Tensor& draw, c10::IntArrayRef expected, const char* what) {
  if (!draw.defined() || draw.sizes() != expected)
    fail(ErrorCode::kInvalidArgument,
         std::string("SineGen ") + what + " draw must have shape " + c10::str(expected) +
             (draw.defined() ? ", got " + c10::str(draw.sizes()) : ", got none"));
}

}  // namespace

torch::Tensor initial_phases(const torch::Tensor& phase_uniform) {
  // torch.distributions.Uniform(-pi, pi) keeps its bounds as float32 tensors.
  const float low = -static_cast<float>(M_PI);
  const float span = static_cast<float>(M_PI) - low;
  torch::Tensor phases = phase_uniform * span + low;
  phases.select(1, 0).zero_();
  return phases;
}

torch::Tensor harmonic_cycles(const torch::Tensor& f0, const SineGenConfig& config,
                              const SinePhasePin& pin) {
  // Normalised frequency of each harmonic: f0 * (h + 1), then / sr (the reference's order).
  const torch::Tensor harmonic_numbers =
      torch::arange(1, config.harmonics + 1, f0.options()).view({1, -1, 1});
  const torch::Tensor frequency = f0 * harmonic_numbers / config.sample_rate;
  torch::Tensor cycles = torch::cumsum(frequency.to(torch::kFloat64), -1);
  if (!pin.cycles.defined()) return cycles;
  const int64_t batch = f0.size(0), length = f0.size(-1);
  check_draw(pin.cycles, {batch, config.harmonics, 1}, "phase pin");
  if (!pin.at.defined() || pin.at.numel() != batch)
    fail(ErrorCode::kInvalidArgument, "SineGen phase pin needs one sample index per row");
  const torch::Tensor at = pin.at.to(cycles.device(), torch::kInt64).reshape({batch, 1, 1});
  if ((at >= length).any().item<bool>())
    fail(ErrorCode::kInvalidArgument, "SineGen phase pin lies beyond the call's samples");
  const torch::Tensor pinned = at >= 0;
  const torch::Tensor reached =
      cycles.gather(2, at.clamp_min(0).expand({batch, config.harmonics, 1}));
  const torch::Tensor shift =
      torch::where(pinned, pin.cycles.to(cycles.device(), torch::kFloat64) - reached,
                   torch::zeros_like(reached));
  return cycles + shift;
}

torch::Tensor sine_excitation(const torch::Tensor& f0, const SineGenDraws& draws,
                              const SineGenConfig& config, const SinePhasePin& pin) {
  const int64_t batch = f0.size(0);
  const int64_t length = f0.size(-1);
  check_draw(draws.phase_uniform, {batch, config.harmonics, 1}, "phase");
  check_draw(draws.noise, {batch, config.harmonics, length}, "noise");

  // The reference runs on the CPU, whose cumsum accumulates float32 in double and rounds each
  // prefix to float32. Doing that explicitly gives the same phases on every device (CUDA's
  // cumsum accumulates in float32, and the phase drifts over a few seconds of audio).
  const torch::Tensor phase_cycles = harmonic_cycles(f0, config, pin).to(f0.scalar_type());
  const torch::Tensor theta = torch::remainder(phase_cycles, 1) * (2 * M_PI);
  const torch::Tensor phases = initial_phases(draws.phase_uniform.to(f0.device()));
  const torch::Tensor sines = config.sine_amp * torch::sin(theta + phases);

  const torch::Tensor voiced = (f0 > config.voiced_threshold).to(f0.scalar_type());
  const torch::Tensor noise_amp = voiced * config.noise_std + (1 - voiced) * config.sine_amp / 3;
  const torch::Tensor noise = noise_amp * draws.noise.to(f0.device());
  return sines * voiced + noise;
}

SourceModuleImpl::SourceModuleImpl(SineGenConfig config) : config_(config) {
  l_linear_ = register_module("l_linear", HiftLinear(config_.harmonics, 1));
}

torch::Tensor SourceModuleImpl::forward(const torch::Tensor& f0, const SineGenDraws& draws,
                                        const SinePhasePin& pin) {
  const torch::Tensor excitation = sine_excitation(f0, draws, config_, pin);
  return torch::tanh(l_linear_->forward(excitation.transpose(1, 2))).transpose(1, 2);
}

}  // namespace chatterbox::models::s3gen
