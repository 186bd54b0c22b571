// HiFT vocoder against the reference: golden `mel` -> `wav` with the recorded draws, full-size
// pattern weights, float32 on the CPU.

#include <gtest/gtest.h>

#include "engine/io/param_layout.h"
#include "engine/models/s3gen/hift.h"
#include "engine/models/s3gen/trim_fade.h"
#include "tests/support/golden.h"
#include "tests/support/recorded_draws.h"

namespace chatterbox {
namespace {

using models::s3gen::apply_trim_fade;
using models::s3gen::Hift;
using models::s3gen::HiftNoise;

constexpr double kWaveformTolerance = 1e-3;

// Only the vocoder's keys of the pattern checkpoint (the pattern depends on key and shape only).
Hift load_pattern_hift(const std::string& checkpoint) {
  io::ParamLayout layout;
  for (const auto& spec : io::param_layout(checkpoint))
    if (spec.key.rfind("mel2wav.", 0) == 0) layout.push_back(spec);
  Hift hift = Hift::load(io::pattern_state_dict(layout, checkpoint).sub("mel2wav."));
  hift.to(testing::test_device());
  return hift;
}

// The vocoder's draws recorded at `sites` (a meta list), matched by call site.
HiftNoise recorded_noise(const testing::Golden& golden, const nlohmann::json& sites) {
  const auto recorded = testing::recorded_s3gen_noise(
      sites, [&](const std::string& key) { return testing::on_test_device(golden[key]); });
  HiftNoise noise;
  noise.phase_uniform = recorded.hift_phase;
  noise.sine_noise = recorded.hift_sine_noise;
  return noise;
}

void expect_wav_matches(const std::string& golden_name) {
  const auto golden = testing::load_golden(golden_name);
  const Hift hift = load_pattern_hift(golden_name);
  const HiftNoise noise = recorded_noise(golden, golden.meta["hift_draws"]);
  ASSERT_TRUE(noise.phase_uniform.defined() && noise.sine_noise.defined());
  const auto out = hift.inference(testing::on_test_device(golden["mel"]), noise);
  EXPECT_TENSORS_CLOSE(out.wav, golden["wav"], kWaveformTolerance);
  std::cout << golden_name << " wav max |diff| = " << testing::max_abs_diff(out.wav, golden["wav"])
            << std::endl;
}

// inference() reruns the flow with the same seed, so its mel equals `mel` when its flow
// draws equal the flow_inference ones; then inference_wav = trim_fade(hift(mel, its draws)).
void expect_inference_wav_matches(const std::string& golden_name) {
  const auto golden = testing::load_golden(golden_name);
  const auto& flow_draws = golden.meta["flow_draws"];
  const auto& e2e_draws = golden.meta["inference_draws"];
  // The premise, checked: were it false, this test would compare against another mel.
  ASSERT_LE(flow_draws.size(), e2e_draws.size());
  for (size_t i = 0; i < flow_draws.size(); ++i) {
    ASSERT_EQ(flow_draws[i]["site"], e2e_draws[i]["site"]);
    ASSERT_TRUE(golden[flow_draws[i]["key"].get<std::string>()].equal(
        golden[e2e_draws[i]["key"].get<std::string>()]))
        << "inference() drew other flow noise than flow_inference(): its mel is not the golden "
           "mel, so inference_wav cannot be checked from it";
  }
  const Hift hift = load_pattern_hift(golden_name);
  const auto out =
      hift.inference(testing::on_test_device(golden["mel"]), recorded_noise(golden, e2e_draws));
  const torch::Tensor faded = apply_trim_fade(out.wav);
  EXPECT_TENSORS_CLOSE(faded, golden["inference_wav"], kWaveformTolerance);
  std::cout << golden_name << " inference_wav max |diff| = "
            << testing::max_abs_diff(faded, golden["inference_wav"]) << std::endl;
}

TEST(S3GenHift, BaseWavFromGoldenMel) {
  expect_wav_matches("s3gen_base");
}
TEST(S3GenHift, MeanflowWavFromGoldenMel) {
  expect_wav_matches("s3gen_meanflow");
}
TEST(S3GenHift, BaseInferenceWavIsTrimFadedVocoderOutput) {
  expect_inference_wav_matches("s3gen_base");
}
TEST(S3GenHift, MeanflowInferenceWavIsTrimFadedVocoderOutput) {
  expect_inference_wav_matches("s3gen_meanflow");
}

}  // namespace
}  // namespace chatterbox
