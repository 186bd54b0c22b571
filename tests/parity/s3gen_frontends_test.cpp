// Parity of S3Gen's front ends with the reference (goldens/s3gen_frontends): the resampler,
// the 24 kHz prompt mel, the S3Tokenizer log-mel and tokens, the T3 prompt tokens and the
// CAMPPlus x-vector, on the first 4 s of BAC009S0764W0121.wav with full-size pattern weights.

#include <gtest/gtest.h>

#include "engine/dsp/prompt_mel.h"
#include "engine/dsp/s3_log_mel.h"
#include "engine/dsp/sinc_resampler.h"
#include "engine/models/s3gen/reference_embedding.h"
#include "tests/parity/s3gen_frontend_models.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

// The largest difference goes into the test report (--gtest_output=xml) for the record.
void record_diff(const std::string& name, const torch::Tensor& a, const torch::Tensor& b) {
  ::testing::Test::RecordProperty(name + "_max_abs_diff",
                                  testing::format_diff(testing::max_abs_diff(a, b)));
}

using models::s3gen::SpeechTokens;

class S3GenFrontends : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    golden_ = new testing::Golden(testing::load_golden("s3gen_frontends"));
  }
  static void TearDownTestSuite() {
    delete golden_;
    golden_ = nullptr;
  }
  static const testing::Golden& golden() { return *golden_; }

 private:
  static testing::Golden* golden_;
};
testing::Golden* S3GenFrontends::golden_ = nullptr;

TEST_F(S3GenFrontends, SincResamplerMatchesTorchaudio16kTo24k) {
  torch::Tensor wav24 = dsp::resample_like_torchaudio_functional(golden()["wav16"], 16000, 24000);
  EXPECT_TENSORS_CLOSE(wav24, golden()["wav24"], 1e-5);
  record_diff("wav24", wav24, golden()["wav24"]);
}

TEST_F(S3GenFrontends, PromptMel24k) {
  torch::Tensor mel =
      dsp::PromptMelExtractor()(testing::on_test_device(golden()["wav24"]).unsqueeze(0));
  EXPECT_TENSORS_CLOSE(mel, golden()["mel24"], 1e-4);
  record_diff("mel24", mel, golden()["mel24"]);
}

TEST_F(S3GenFrontends, TokenizerLogMel16k) {
  torch::Tensor mel = dsp::S3LogMel()(testing::on_test_device(golden()["wav16"]));
  EXPECT_TENSORS_CLOSE(mel, golden()["s3_logmel"], 1e-4);
  record_diff("s3_logmel", mel, golden()["s3_logmel"]);
}

TEST_F(S3GenFrontends, TokenizerTokensAndT3PromptTokens) {
  auto tokenizer = testing::pattern_s3_tokenizer();
  torch::Tensor wav16 = testing::on_test_device(golden()["wav16"]);
  SpeechTokens tokens = tokenizer->forward(wav16.unsqueeze(0));
  EXPECT_TENSORS_EQUAL(tokens.tokens, golden()["s3_tokens"]);
  EXPECT_EQ(tokens.lengths.item<int64_t>(), golden()["s3_tokens"].size(1));

  torch::Tensor prompt = models::s3gen::t3_prompt_tokens(tokenizer, wav16, 6 * 16000, 150);
  EXPECT_TENSORS_EQUAL(prompt, golden()["t3_prompt_tokens_max150"]);
}

TEST_F(S3GenFrontends, CampPlusXVector) {
  auto encoder = testing::pattern_campplus();
  torch::Tensor xvector =
      encoder->inference(testing::on_test_device(golden()["wav16"]).unsqueeze(0));
  EXPECT_TENSORS_CLOSE(xvector, golden()["xvector"], 1e-4);
  record_diff("xvector", xvector, golden()["xvector"]);
}

}  // namespace
}  // namespace chatterbox
