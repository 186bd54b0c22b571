// CAMPPlus pieces: segment pooling with a partial last segment, unbiased statistics pooling,
// state-dict names, and equal-length batches equal to single runs.

#include <gtest/gtest.h>

#include <set>

#include "engine/io/param_layout.h"
#include "engine/models/s3gen/campplus.h"

namespace chatterbox::models::s3gen {
namespace {

TEST(CampPlusLayers, SegmentAverageDividesThePartialSegmentByItsLength) {
  torch::Tensor x = torch::arange(250, torch::kFloat32).view({1, 1, 250});
  torch::Tensor seg = segment_average(x);
  ASSERT_EQ(seg.sizes(), torch::IntArrayRef({1, 1, 250}));
  EXPECT_FLOAT_EQ(seg[0][0][0].item<float>(), 49.5f);
  EXPECT_FLOAT_EQ(seg[0][0][199].item<float>(), 149.5f);
  EXPECT_FLOAT_EQ(seg[0][0][249].item<float>(), 224.5f);  // mean of 200..249
}

TEST(CampPlusLayers, StatisticsPoolingUsesTheUnbiasedStd) {
  torch::Tensor x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 4});
  torch::Tensor stats = statistics_pooling(x);
  EXPECT_FLOAT_EQ(stats[0][0].item<float>(), 2.5f);
  EXPECT_NEAR(stats[0][1].item<float>(), std::sqrt(5.0f / 3.0f), 1e-6);
}

TEST(CampPlusModel, ParameterNamesMatchTheCheckpointLayout) {
  CampPlus model;
  std::set<std::string> ours;
  for (const auto& p : model->named_parameters()) ours.insert(p.key());
  for (const auto& b : model->named_buffers()) ours.insert(b.key());
  std::set<std::string> checkpoint;
  const io::ParamLayout layout = io::param_layout("s3gen_base");
  for (const auto& spec : layout)
    if (spec.key.rfind("speaker_encoder.", 0) == 0) checkpoint.insert(spec.key.substr(16));
  EXPECT_EQ(ours, checkpoint);
  EXPECT_EQ(checkpoint.size(), 937u);
}

TEST(CampPlusModel, EqualLengthBatchEqualsSingleRuns) {
  torch::manual_seed(3);
  CampPlus model;
  auto gen = at::detail::createCPUGenerator(5);
  torch::Tensor wavs = torch::randn({2, 12000}, gen) * 0.1;
  torch::Tensor both = model->inference(wavs);
  ASSERT_EQ(both.sizes(), torch::IntArrayRef({2, 192}));
  for (int64_t b = 0; b < 2; ++b) {
    torch::Tensor single = model->inference(wavs[b]);
    EXPECT_LT((both[b] - single[0]).abs().max().item<float>(), 1e-5) << b;
  }
}

}  // namespace
}  // namespace chatterbox::models::s3gen
