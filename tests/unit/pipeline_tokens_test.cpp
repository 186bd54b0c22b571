// The pipelines' handling of generated speech tokens and of unusable checkpoint directories.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/pipeline/pipeline.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

torch::Tensor ids(std::vector<int64_t> v) {
  return torch::tensor(v, torch::kLong).reshape({1, -1});
}

TEST(PipelineTokens, DropInvalidTokensKeepsSpeechIdsOnly) {
  EXPECT_TENSORS_EQUAL(pipeline::drop_invalid_tokens(ids({5, 6, 7})), ids({5, 6, 7}));
  // After the first start token, before the first stop token.
  EXPECT_TENSORS_EQUAL(pipeline::drop_invalid_tokens(ids({1, 6561, 2, 3, 6562, 4})), ids({2, 3}));
  // Unused ids (6563..8193) are removed wherever they are.
  EXPECT_TENSORS_EQUAL(pipeline::drop_invalid_tokens(ids({6600, 9, 8193, 10})), ids({9, 10}));
  EXPECT_EQ(pipeline::drop_invalid_tokens(ids({6562, 1})).size(1), 0);
  EXPECT_TENSORS_EQUAL(pipeline::drop_invalid_tokens(torch::tensor({4, 6562}, torch::kLong)),
                       ids({4}));
}

TEST(PipelineLoad, MissingCheckpointFilesAreNamed) {
  testing::TempDir dir;
  for (Variant variant : all_variants()) {
    try {
      pipeline::Pipeline::load(dir.path(), variant);
      ADD_FAILURE() << "no error for " << variant_name(variant);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kNotFound);
      EXPECT_NE(std::string(e.what()).find("s3gen"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace chatterbox
