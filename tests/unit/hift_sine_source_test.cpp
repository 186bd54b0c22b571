#include "engine/models/s3gen/sine_source.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/common/error.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using models::s3gen::initial_phases;
using models::s3gen::sine_excitation;
using models::s3gen::SineGenDraws;

SineGenDraws draws_for(int64_t batch, int64_t length, uint64_t seed) {
  auto generator = at::detail::createCPUGenerator(seed);
  return {torch::rand({batch, 9, 1}, generator), torch::randn({batch, 9, length}, generator)};
}

TEST(HiftSineGen, PhasesSpanMinusPiToPiWithTheFundamentalAtZero) {
  const torch::Tensor u =
      torch::tensor({0.0f, 0.25f, 0.5f, 0.75f, 0.1f, 0.2f, 0.3f, 0.4f, 0.9f}).view({1, 9, 1});
  const torch::Tensor phases = initial_phases(u);
  EXPECT_EQ(phases[0][0][0].item<float>(), 0.0f);
  for (int h = 1; h < 9; ++h)
    EXPECT_NEAR(phases[0][h][0].item<double>(), -M_PI + 2 * M_PI * u[0][h][0].item<double>(), 1e-6);
}

TEST(HiftSineGen, SameDrawsGiveIdenticalExcitation) {
  const torch::Tensor f0 = torch::full({2, 1, 960}, 180.0);
  const SineGenDraws draws = draws_for(2, 960, 42);
  const torch::Tensor a = sine_excitation(f0, draws);
  const torch::Tensor b = sine_excitation(f0, draws_for(2, 960, 42));
  EXPECT_EQ(a.sizes(), (c10::IntArrayRef{2, 9, 960}));
  EXPECT_TRUE(a.equal(b));
  EXPECT_FALSE(a.equal(sine_excitation(f0, draws_for(2, 960, 43))));
}

TEST(HiftSineGen, VoicedHarmonicsWithoutNoiseAreShiftedSines) {
  const int64_t length = 480;
  const double f0_hz = 200.0;
  SineGenDraws draws = draws_for(1, length, 9);
  draws.noise.zero_();
  const torch::Tensor out = sine_excitation(torch::full({1, 1, length}, f0_hz), draws);
  const torch::Tensor phases = initial_phases(draws.phase_uniform);
  for (int h = 0; h < 9; ++h)
    for (int64_t n = 0; n < length; n += 29) {
      const double cycles = std::fmod((h + 1) * f0_hz / 24000.0 * (n + 1), 1.0);
      const double expected = 0.1 * std::sin(2 * M_PI * cycles + phases[0][h][0].item<double>());
      EXPECT_NEAR(out[0][h][n].item<double>(), expected, 2e-5) << h << "," << n;
    }
}

TEST(HiftSineGen, UnvoicedSamplesCarryOnlyScaledNoise) {
  // f0 at or below the 10 Hz threshold is unvoiced: no sine, noise with std sine_amp / 3.
  const SineGenDraws draws = draws_for(1, 300, 5);
  const torch::Tensor out = sine_excitation(torch::full({1, 1, 300}, 10.0), draws);
  EXPECT_TENSORS_CLOSE(out, draws.noise * (0.1 / 3), 1e-7);
  // Voiced samples get noise_std 0.003 on top of the sine.
  SineGenDraws quiet = draws;
  quiet.phase_uniform = torch::full({1, 9, 1}, 0.5);  // all phases 0
  const torch::Tensor voiced = sine_excitation(torch::full({1, 1, 300}, 10.5), quiet);
  const torch::Tensor sines = sine_excitation(
      torch::full({1, 1, 300}, 10.5), {quiet.phase_uniform, torch::zeros_like(draws.noise)});
  EXPECT_TENSORS_CLOSE(voiced - sines, draws.noise * 0.003, 1e-7);
}

// Streaming: a call pinned to an earlier call's running phase continues it, as if the two
// were one call.
TEST(HiftSineGen, APinnedCallContinuesTheEarlierPhase) {
  using models::s3gen::harmonic_cycles;
  using models::s3gen::SinePhasePin;
  const torch::Tensor f0 = 150 + 50 * torch::rand({2, 1, 1000}, at::detail::createCPUGenerator(3));
  const torch::Tensor whole = harmonic_cycles(f0);
  EXPECT_TRUE(harmonic_cycles(f0, {}, SinePhasePin{}).equal(whole));
  // The second call starts 100 samples before the first one ended (a cached overlap) and is
  // pinned at the first call's last sample, 599.
  SinePhasePin pin;
  pin.cycles = whole.slice(2, 599, 600);
  pin.at = torch::tensor({99, -1}, torch::kLong);  // row 1 unpinned: starts at 0 as upstream
  const torch::Tensor later = harmonic_cycles(f0.slice(2, 500), {}, pin);
  EXPECT_TENSORS_CLOSE(later[0], whole[0].slice(1, 500), 1e-9);
  EXPECT_TRUE(later[1].equal(harmonic_cycles(f0.slice(2, 500))[1]));
  // The excitation follows the pinned phase.
  const SineGenDraws draws{torch::full({2, 9, 1}, 0.5), torch::zeros({2, 9, 500})};
  const torch::Tensor full_draws_noise = torch::zeros({2, 9, 1000});
  const torch::Tensor one = sine_excitation(f0, {draws.phase_uniform, full_draws_noise});
  const torch::Tensor two = sine_excitation(f0.slice(2, 500), draws, {}, pin);
  EXPECT_TENSORS_CLOSE(two[0], one[0].slice(1, 500), 1e-5);
  pin.at = torch::tensor({500, 0}, torch::kLong);
  EXPECT_THROW(harmonic_cycles(f0.slice(2, 500), {}, pin), Error);
}

TEST(HiftSineGen, MisshapenDrawsAreRejected) {
  SineGenDraws draws = draws_for(1, 100, 1);
  EXPECT_THROW(sine_excitation(torch::full({1, 1, 120}, 100.0), draws), Error);
  draws.phase_uniform = torch::Tensor();
  EXPECT_THROW(sine_excitation(torch::full({1, 1, 100}, 100.0), draws), Error);
}

}  // namespace
}  // namespace chatterbox
