// The published conds.pt format: a CUDA-saved {"t3": {...}, "gen": {...}} loads on the CPU into
// the conditionals the e2e_base golden computed, and survives our safetensors round trip.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/pipeline/conditionals.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

void expect_equals_e2e_base(const pipeline::Conditionals& conds) {
  const auto golden = testing::load_golden("e2e_base");
  EXPECT_TENSORS_EQUAL(conds.t3.speaker_emb, golden["t3_speaker_emb"]);
  EXPECT_TENSORS_EQUAL(conds.t3.cond_prompt_speech_tokens, golden["t3_prompt_tokens"]);
  EXPECT_TENSORS_EQUAL(conds.gen.prompt_token, golden["gen_prompt_token"].to(torch::kLong));
  EXPECT_TENSORS_EQUAL(conds.gen.prompt_feat, golden["gen_prompt_feat"]);
  EXPECT_TENSORS_EQUAL(conds.gen.embedding, golden["gen_embedding"]);
  EXPECT_EQ(conds.gen.prompt_token_len.item<int64_t>(), conds.gen.prompt_token.size(1));
  ASSERT_TRUE(conds.t3.emotion_adv.defined());
  EXPECT_EQ(conds.t3.emotion_adv.sizes(), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_FLOAT_EQ(conds.t3.emotion_adv.item<float>(),
                  static_cast<float>(golden.meta["exaggeration"].get<double>()));
}

std::string cuda_saved_conds() {
  return fs::join(testing::goldens_dir(), "conds_cuda_saved.pt");
}

TEST(Conditionals, CudaSavedCondsPtLoadsOnCpuAsE2eBase) {
  const auto conds = pipeline::load_conds_pt(cuda_saved_conds());
  EXPECT_EQ(conds.t3.speaker_emb.device().type(), torch::kCPU);
  EXPECT_EQ(conds.gen.prompt_token.scalar_type(), torch::kLong);
  expect_equals_e2e_base(conds);
}

TEST(Conditionals, SafetensorsRoundTripKeepsEveryTensor) {
  testing::TempDir dir;
  const auto conds = pipeline::load_conds_pt(cuda_saved_conds());
  const std::string path = dir.file("voice.safetensors");
  pipeline::save_conditionals(path, conds);
  expect_equals_e2e_base(pipeline::load_conditionals(path));
  expect_equals_e2e_base(pipeline::load_conditionals_any(path));
  expect_equals_e2e_base(pipeline::load_conditionals_any(cuda_saved_conds()));
}

TEST(Conditionals, CorruptFilesGiveTypedErrors) {
  testing::TempDir dir;
  const std::string garbage = dir.file("garbage.safetensors");
  testing::write_bytes(garbage, "not a tensor file at all");
  EXPECT_THROW(pipeline::load_conditionals(garbage), Error);
  const std::string cut = dir.file("cut.pt");
  testing::copy_truncated(cuda_saved_conds(), cut, 1000);
  EXPECT_THROW(pipeline::load_conds_pt(cut), Error);
  try {
    pipeline::load_conditionals_any(dir.file("missing.pt"));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace chatterbox
