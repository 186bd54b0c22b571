// S3Gen flow (encoder + CFM decoder) against the reference's flow_inference on pattern weights,
// with the reference's recorded noise injected.

#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "engine/io/param_layout.h"
#include "engine/models/s3gen/flow.h"
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

void expect_reference_mel(const std::string& golden_name, bool meanflow, int64_t steps) {
  auto golden = testing::load_golden(golden_name);
  auto flow = load_pattern_flow(golden_name, meanflow);
  auto noise = recorded_noise(golden);
  ASSERT_TRUE(noise.z.defined());
  ASSERT_EQ(noise.generated.defined(), meanflow);

  auto tokens = golden["speech_tokens"];
  auto prompt = golden["ref_prompt_token"];
  auto mel = flow.inference(tokens, torch::tensor({tokens.size(1)}), prompt,
                            torch::tensor({prompt.size(1)}), golden["ref_prompt_feat"],
                            golden["ref_embedding"], steps, noise);
  EXPECT_TENSORS_CLOSE(mel, golden["mel"], 1e-4);
  std::cout << golden_name << " mel: max |diff| = " << testing::max_abs_diff(mel, golden["mel"])
            << "\n";
}

TEST(S3GenFlow, BaseMelMatchesReference) {
  expect_reference_mel("s3gen_base", false, 10);
}

TEST(S3GenFlow, MeanflowMelMatchesReference) {
  expect_reference_mel("s3gen_meanflow", true, 2);
}

}  // namespace
}  // namespace chatterbox
