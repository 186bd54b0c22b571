// S3Gen flow (encoder + CFM decoder) against the reference's flow_inference on pattern weights,
// with the reference's recorded noise injected; on CUDA also with the estimator in bfloat16.

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "engine/io/param_layout.h"
#include "engine/models/s3gen/flow.h"
#include "engine/pipeline/precision.h"
#include "tests/support/golden.h"
#include "tests/support/recorded_draws.h"

namespace chatterbox {
namespace {

using models::s3gen::Flow;
using models::s3gen::FlowNoise;

Flow load_pattern_flow(const std::string& checkpoint, bool meanflow) {
  io::ParamLayout flow_only;
  for (const auto& spec : io::param_layout(checkpoint))
    if (spec.key.rfind("flow.", 0) == 0) flow_only.push_back(spec);
  Flow flow = Flow::load(io::pattern_state_dict(flow_only, checkpoint).sub("flow."), meanflow);
  flow.to(testing::test_device());
  return flow;
}

// The recorded draws of flow_inference, by call site.
FlowNoise recorded_noise(const testing::Golden& golden) {
  const auto recorded = testing::recorded_s3gen_noise(
      golden.meta["flow_draws"],
      [&](const std::string& key) { return testing::on_test_device(golden[key]); });
  FlowNoise noise;
  noise.z = recorded.flow_z;
  noise.generated = recorded.flow_generated;
  return noise;
}

// The CFM estimator in reduced precision (bfloat16 on CUDA, as Precision::kAuto runs it) against
// the float32 golden mel, max |diff|. Measured on an H200: 0.044 base (10 steps), 0.026 meanflow
// (2 steps), mean |diff| 0.010 / 0.005, with mels up to 4.0 / 4.4 in magnitude.
constexpr double kReducedMelBound = 0.1;

void expect_reference_mel(const std::string& golden_name, bool meanflow, int64_t steps) {
  auto golden = testing::load_golden(golden_name);
  auto flow = load_pattern_flow(golden_name, meanflow);
  auto noise = recorded_noise(golden);
  ASSERT_TRUE(noise.z.defined());
  ASSERT_EQ(noise.generated.defined(), meanflow);

  auto tokens = golden["speech_tokens"];
  auto prompt = golden["ref_prompt_token"];
  auto mel_of = [&] {
    return flow.inference(tokens, torch::tensor({tokens.size(1)}), prompt,
                          torch::tensor({prompt.size(1)}), golden["ref_prompt_feat"],
                          golden["ref_embedding"], steps, noise);
  };
  auto mel = mel_of();
  EXPECT_TENSORS_CLOSE(mel, golden["mel"], 1e-4);
  std::cout << golden_name << " mel: max |diff| = " << testing::max_abs_diff(mel, golden["mel"])
            << "\n";

  const auto reduced =
      pipeline::flow_estimator_dtype(pipeline::Precision::kAuto, testing::test_device());
  if (reduced == torch::kFloat32) return;  // the CPU: float32 is the only path, checked above
  flow.set_estimator_dtype(reduced);
  ASSERT_EQ(flow.estimator_dtype(), reduced);
  auto reduced_mel = mel_of();
  ASSERT_EQ(reduced_mel.scalar_type(), torch::kFloat32);
  const double diff = testing::max_abs_diff(reduced_mel, golden["mel"]);
  std::cout << golden_name << " mel, estimator in " << c10::toString(reduced)
            << ": max |diff| = " << diff << " (largest |mel| "
            << golden["mel"].abs().max().item<double>() << ", mean |diff| "
            << (reduced_mel.cpu() - golden["mel"]).abs().mean().item<double>() << ")\n";
  EXPECT_LE(diff, kReducedMelBound);
}

TEST(S3GenFlow, BaseMelMatchesReference) {
  expect_reference_mel("s3gen_base", false, 10);
}

TEST(S3GenFlow, MeanflowMelMatchesReference) {
  expect_reference_mel("s3gen_meanflow", true, 2);
}

}  // namespace
}  // namespace chatterbox
