// The flow keeps the batch dimension: rows of different lengths (and different prompts) in one
// batch give what each row gives alone.

#include <gtest/gtest.h>

#include <string>

#include "engine/common/error.h"
#include "engine/io/param_layout.h"
#include "engine/models/s3gen/flow.h"

namespace chatterbox {
namespace {

using namespace models::s3gen;

const Flow& pattern_flow(bool meanflow) {
  auto load = [](const std::string& checkpoint, bool mf) {
    io::ParamLayout flow_only;
    for (const auto& spec : io::param_layout(checkpoint))
      if (spec.key.rfind("flow.", 0) == 0) flow_only.push_back(spec);
    return Flow::load(io::pattern_state_dict(flow_only, checkpoint).sub("flow."), mf);
  };
  if (meanflow) {
    static const Flow flow = load("s3gen_meanflow", true);
    return flow;
  }
  static const Flow flow = load("s3gen_base", false);
  return flow;
}

struct TwoRows {
  FlowInputs batch;
  FlowNoise noise;
  std::vector<int64_t> tokens = {8, 5}, prompt_tokens = {6, 4}, prompt_frames = {12, 8};
};

TwoRows two_rows() {
  torch::manual_seed(17);
  TwoRows r;
  r.batch.tokens = torch::randint(0, kSpeechVocabSize, {2, 8}, torch::kInt64);
  r.batch.tokens[1].slice(0, 5).fill_(0);
  r.batch.token_lens = torch::tensor({8, 5}, torch::kInt64);
  r.batch.prompt_tokens = torch::randint(0, kSpeechVocabSize, {2, 6}, torch::kInt64);
  r.batch.prompt_token_lens = torch::tensor({6, 4}, torch::kInt64);
  r.batch.prompt_feat = torch::randn({2, 12, kMelBins}) - 5;
  r.batch.prompt_feat_lens = torch::tensor({12, 8}, torch::kInt64);
  r.batch.embedding = torch::randn({2, 192});
  r.noise.z = torch::randn({2, kMelBins, 28});
  r.noise.generated = torch::randn({2, kMelBins, 16});
  return r;
}

// Row i alone, cut to its own lengths.
std::pair<FlowInputs, FlowNoise> single_row(const TwoRows& r, int64_t i) {
  using torch::indexing::Slice;
  const int64_t n = r.tokens[i], tp = r.prompt_tokens[i], tm = r.prompt_frames[i];
  FlowInputs in;
  in.tokens = r.batch.tokens.slice(0, i, i + 1).slice(1, 0, n);
  in.token_lens = torch::tensor({n});
  in.prompt_tokens = r.batch.prompt_tokens.slice(0, i, i + 1).slice(1, 0, tp);
  in.prompt_token_lens = torch::tensor({tp});
  in.prompt_feat = r.batch.prompt_feat.slice(0, i, i + 1).slice(1, 0, tm);
  in.embedding = r.batch.embedding.slice(0, i, i + 1);
  FlowNoise noise;
  noise.z = r.noise.z.slice(0, i, i + 1).slice(2, 0, 2 * (tp + n));
  noise.generated = r.noise.generated.slice(0, i, i + 1).slice(2, 0, 2 * n);
  return {in, noise};
}

void expect_batch_equals_single_runs(bool meanflow, bool finalize = true) {
  const auto& flow = pattern_flow(meanflow);
  auto rows = two_rows();
  rows.batch.finalize = finalize;
  auto batched = flow.inference(rows.batch, 2, rows.noise);
  auto lengths = Flow::generated_lengths(rows.batch);
  // Row 0: 2 * (6 + 8) - 12; row 1: 2 * (4 + 5) - 8; a chunk that continues drops 6 frames.
  const int64_t dropped = finalize ? 0 : 6;
  ASSERT_TRUE(torch::equal(lengths, torch::tensor({16 - dropped, 10 - dropped}, torch::kInt64)));
  ASSERT_EQ(batched.sizes(), (std::vector<int64_t>{2, kMelBins, 16 - dropped}));
  for (int64_t i = 0; i < 2; ++i) {
    auto [in, noise] = single_row(rows, i);
    in.finalize = finalize;
    auto alone = flow.inference(in, 2, noise);
    const int64_t tg = lengths[i].item<int64_t>();
    ASSERT_EQ(alone.size(2), tg);
    auto diff = (batched[i].slice(1, 0, tg) - alone[0]).abs().max().item<double>();
    EXPECT_LT(diff, 1e-4) << "row " << i;
    EXPECT_TRUE(batched[i].slice(1, tg).eq(0).all().item<bool>()) << "row " << i;
  }
}

TEST(FlowBatch, MeanflowTwoLengthsEqualTwoSingleRuns) {
  expect_batch_equals_single_runs(true);
}

TEST(FlowBatch, GuidedTwoLengthsEqualTwoSingleRuns) {
  expect_batch_equals_single_runs(false);
}

TEST(FlowBatch, ContinuingChunkTwoLengthsEqualTwoSingleRuns) {
  expect_batch_equals_single_runs(true, /*finalize=*/false);
}

TEST(FlowBatch, RejectsIdsOutsideTheSpeechVocabulary) {
  const auto& flow = pattern_flow(true);
  auto rows = two_rows();
  rows.batch.tokens[0][3] = 6562;  // EOS
  EXPECT_THROW(flow.inference(rows.batch, 2, rows.noise), Error);
  // Padding beyond a row's length is ignored.
  rows = two_rows();
  rows.batch.tokens[1][6] = -1;
  EXPECT_NO_THROW(flow.inference(rows.batch, 1, rows.noise));
}

TEST(FlowBatch, GeneratorDrawsAreReproducible) {
  const auto& flow = pattern_flow(true);
  auto rows = two_rows();
  auto draw = [&](uint64_t seed) {
    FlowNoise noise;
    noise.generator = at::detail::createCPUGenerator(seed);
    return flow.inference(rows.batch, 1, noise);
  };
  EXPECT_TRUE(torch::equal(draw(5), draw(5)));
  EXPECT_FALSE(torch::equal(draw(5), draw(6)));
}

}  // namespace
}  // namespace chatterbox
