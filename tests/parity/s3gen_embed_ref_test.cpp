// Parity of S3Gen's embed_ref(wav24, 24000) with the reference's ref_* tensors (goldens
// s3gen_base and s3gen_meanflow): prompt tokens, prompt mel and x-vector, including the
// 24 kHz -> 16 kHz torchaudio resample inside.

#include <gtest/gtest.h>

#include "engine/models/s3gen/reference_embedding.h"
#include "tests/parity/s3gen_frontend_models.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

void expect_matches_golden(const std::string& layout) {
  auto golden = testing::load_golden(layout);
  models::s3gen::ReferenceEmbedder embedder(testing::pattern_s3_tokenizer(layout),
                                            testing::pattern_campplus(layout));
  auto ref = embedder.embed_ref(testing::on_test_device(golden["wav24"]), 24000);

  EXPECT_TENSORS_EQUAL(ref.prompt_token, golden["ref_prompt_token"]);
  EXPECT_TENSORS_EQUAL(ref.prompt_token_len,
                       torch::full({1}, golden["ref_prompt_token"].size(1), torch::kInt64));
  EXPECT_TENSORS_CLOSE(ref.prompt_feat, golden["ref_prompt_feat"], 1e-4);
  EXPECT_TENSORS_CLOSE(ref.embedding, golden["ref_embedding"], 1e-4);
  ::testing::Test::RecordProperty(
      "prompt_feat_max_abs_diff",
      testing::format_diff(testing::max_abs_diff(ref.prompt_feat, golden["ref_prompt_feat"])));
  ::testing::Test::RecordProperty(
      "embedding_max_abs_diff",
      testing::format_diff(testing::max_abs_diff(ref.embedding, golden["ref_embedding"])));
}

TEST(S3GenEmbedRef, MatchesBaseGolden) {
  expect_matches_golden("s3gen_base");
}

TEST(S3GenEmbedRef, MatchesMeanflowGolden) {
  expect_matches_golden("s3gen_meanflow");
}

}  // namespace
}  // namespace chatterbox
