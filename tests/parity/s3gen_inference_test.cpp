// S3Gen as one model against the reference's S3Token2Wav: embed_ref(wav24) feeds inference(),
// which must give the golden inference_wav (flow + HiFT + trim fade) with the draws recorded
// for inference(). Full-size pattern weights, on the test device.

#include <gtest/gtest.h>

#include <iostream>

#include "engine/io/param_layout.h"
#include "engine/models/s3gen/s3gen.h"
#include "engine/models/s3gen/trim_fade.h"
#include "tests/support/golden.h"
#include "tests/support/recorded_draws.h"

namespace chatterbox {
namespace {

using models::s3gen::apply_trim_fade;
using models::s3gen::S3Gen;

constexpr double kFeatureTolerance = 1e-4;
constexpr double kWaveformTolerance = 1e-3;

std::unique_ptr<S3Gen> pattern_s3gen(const std::string& layout) {
  auto s3gen = S3Gen::load(io::pattern_state_dict(layout), layout == "s3gen_meanflow");
  s3gen->to(testing::test_device());
  return s3gen;
}

void expect_inference_matches(const std::string& layout) {
  const auto golden = testing::load_golden(layout);
  auto s3gen = pattern_s3gen(layout);

  const auto ref = s3gen->embed_ref(testing::on_test_device(golden["wav24"]), 24000);
  EXPECT_TENSORS_EQUAL(ref.prompt_token, golden["ref_prompt_token"]);
  EXPECT_TENSORS_CLOSE(ref.prompt_feat, golden["ref_prompt_feat"], kFeatureTolerance);
  EXPECT_TENSORS_CLOSE(ref.embedding, golden["ref_embedding"], kFeatureTolerance);

  const auto noise = testing::recorded_s3gen_noise(
      golden.meta["inference_draws"], [&](const std::string& key) { return golden[key]; });
  ASSERT_TRUE(noise.flow_z.defined() && noise.hift_phase.defined() &&
              noise.hift_sine_noise.defined());
  const torch::Tensor tokens = golden["speech_tokens"];
  const auto out = s3gen->inference(tokens, torch::Tensor(), ref, noise);

  ASSERT_EQ(out.wav_lens.item<int64_t>(), golden["inference_wav"].size(1));
  EXPECT_TENSORS_CLOSE(out.wav, golden["inference_wav"], kWaveformTolerance);
  std::cout << layout << " inference_wav max |diff| = "
            << testing::max_abs_diff(out.wav, golden["inference_wav"]) << std::endl;
}

TEST(S3GenInference, BaseMatchesReference) {
  expect_inference_matches("s3gen_base");
}

TEST(S3GenInference, MeanflowMatchesReference) {
  expect_inference_matches("s3gen_meanflow");
}

// The scheduler batches S3Gen work: two requests of different lengths in one call give each
// the audio it gets alone, and nothing past its own length.
TEST(S3GenInference, BatchOfTwoLengthsEqualsTwoSingleRuns) {
  const auto golden = testing::load_golden("s3gen_meanflow");
  auto s3gen = pattern_s3gen("s3gen_meanflow");
  const auto ref = s3gen->embed_ref(testing::on_test_device(golden["wav24"]), 24000);
  const torch::Tensor tokens = golden["speech_tokens"].slice(1, 0, 20);
  const int64_t short_len = 14;

  torch::manual_seed(0);
  const int64_t frames = 2 * (ref.prompt_token.size(1) + tokens.size(1));
  models::s3gen::S3GenNoise noise;
  noise.flow_z = torch::randn({2, 80, frames});
  noise.flow_generated = torch::randn({2, 80, 2 * tokens.size(1)});
  const int64_t samples = 480 * 2 * tokens.size(1);
  noise.hift_phase = torch::rand({2, 9, 1});
  noise.hift_sine_noise = torch::randn({2, 9, samples});

  torch::Tensor padded = tokens.repeat({2, 1});
  padded[1].slice(0, short_len).fill_(0);
  const auto batch =
      s3gen->inference(padded, torch::tensor({tokens.size(1), short_len}), ref, noise);

  for (int64_t row = 0; row < 2; ++row) {
    const int64_t n = row == 0 ? tokens.size(1) : short_len;
    models::s3gen::S3GenNoise single;
    single.flow_z = noise.flow_z.slice(0, row, row + 1);
    single.flow_generated = noise.flow_generated.slice(0, row, row + 1);
    single.hift_phase = noise.hift_phase.slice(0, row, row + 1);
    single.hift_sine_noise = noise.hift_sine_noise.slice(0, row, row + 1).slice(2, 0, 480 * 2 * n);
    const auto alone = s3gen->inference(tokens.slice(1, 0, n), torch::Tensor(), ref, single);
    const int64_t frames = alone.mel.size(2), len = alone.wav_lens.item<int64_t>();
    ASSERT_EQ(batch.wav_lens[row].item<int64_t>(), len);
    // The flow: each row's mel is its solo mel, zero after it.
    EXPECT_TENSORS_CLOSE(batch.mel[row].slice(1, 0, frames), alone.mel[0], kFeatureTolerance);
    EXPECT_EQ(batch.mel[row].slice(1, frames).abs().sum().item<float>(), 0.0f);
    // The vocoder: each row's audio is what its own mel gives alone (the F0 -> sine phase path
    // amplifies 1e-6 mel differences, so the solo vocoder gets the batch's mel), up to the
    // last frames that padded frames colour (hift.h), and silence after it.
    const auto own_mel = batch.mel.slice(0, row, row + 1).slice(2, 0, frames);
    const auto vocoded = apply_trim_fade(s3gen->hift_inference(own_mel, single));
    const int64_t settled = row == 0 ? len : len - 480 * models::s3gen::kHiftContextFrames;
    EXPECT_TENSORS_CLOSE(batch.wav[row].slice(0, 0, settled), vocoded[0].slice(0, 0, settled),
                         kFeatureTolerance);
    EXPECT_EQ(batch.wav[row].slice(0, len).abs().sum().item<float>(), 0.0f);
  }
}

}  // namespace
}  // namespace chatterbox
