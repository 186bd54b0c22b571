// S3Gen's CFM estimator replayed as CUDA graphs (estimator_graphs.h) equals the eager estimator:
// rows and frames padded to their buckets, one graph replayed on new inputs, shapes mixed between
// replays, rows of unequal lengths. Runs on CHATTERBOX_TEST_DEVICE=cuda; a device without CUDA
// graphs refuses them.

#include <gtest/gtest.h>

#include <string>

#include "engine/common/error.h"
#include "engine/io/param_layout.h"
#include "engine/models/s3gen/estimator_graphs.h"
#include "engine/models/s3gen/flow.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using namespace models::s3gen;

// Graph and eager calls differ only in the rounding of the padded kernel shapes (fp32).
constexpr double kGraphBound = 1e-4;

Flow pattern_flow_on(bool meanflow, const torch::Device& device) {
  const std::string checkpoint = meanflow ? "s3gen_meanflow" : "s3gen_base";
  io::ParamLayout flow_only;
  for (const auto& spec : io::param_layout(checkpoint))
    if (spec.key.rfind("flow.", 0) == 0) flow_only.push_back(spec);
  Flow flow = Flow::load(io::pattern_state_dict(flow_only, checkpoint).sub("flow."), meanflow);
  flow.to(device);
  return flow;
}

struct Call {
  torch::Tensor x, mask, mu, t, spks, cond, r;
};

// `lengths` frames of each row are valid; the rest is masked, as in a batch of unequal rows.
Call random_call(const std::vector<int64_t>& lengths, int64_t frames, bool meanflow,
                 const torch::Device& device) {
  const int64_t rows = static_cast<int64_t>(lengths.size());
  const auto options = torch::TensorOptions().device(device);
  Call c;
  c.x = torch::randn({rows, 80, frames}, options);
  c.mu = torch::randn({rows, 80, frames}, options);
  c.cond = torch::randn({rows, 80, frames}, options);
  c.spks = torch::randn({rows, 80}, options);
  c.mask = torch::zeros({rows, 1, frames}, options);
  for (int64_t i = 0; i < rows; ++i) c.mask[i].narrow(1, 0, lengths[i]).fill_(1);
  if (meanflow) {
    c.t = torch::rand({1}, options) * 0.5;
    c.r = c.t + 0.5;
  } else {
    c.t = torch::rand({1}, options).expand({rows});  // as guidance passes it
  }
  return c;
}

TEST(EstimatorGraphs, ReplaysEqualTheEagerEstimator) {
  const torch::Device device = testing::test_device();
  if (!models::ShapeGraphs::available(device)) {
    EXPECT_THROW(EstimatorGraphs{device}, Error) << device;
    return;  // CUDA graphs exist only on CUDA devices: the replay half needs one
  }
  torch::NoGradGuard no_grad;
  for (bool meanflow : {true, false}) {
    torch::manual_seed(meanflow ? 5 : 6);
    Flow flow = pattern_flow_on(meanflow, device);
    ConditionalUnet& estimator = flow.model()->decoder->estimator();
    EstimatorGraphs graphs(device);
    // (lengths, frames): buckets (1, 128), (4, 192), (1, 128) again, (2, 64), (4, 192) again.
    const std::vector<std::pair<std::vector<int64_t>, int64_t>> calls{
        {{70}, 70}, {{130, 90, 41}, 130}, {{100}, 100}, {{64, 64}, 64}, {{129, 129, 5}, 129}};
    for (const auto& [lengths, frames] : calls) {
      const Call c = random_call(lengths, frames, meanflow, device);
      const torch::Tensor eager = estimator(c.x, c.mask, c.mu, c.t, c.spks, c.cond, c.r);
      const torch::Tensor replayed =
          graphs.forward(estimator, c.x, c.mask, c.mu, c.t, c.spks, c.cond, c.r).clone();
      ASSERT_EQ(replayed.sizes(), eager.sizes());
      const double scale = std::max(1.0, eager.abs().max().item<double>());
      EXPECT_LE(testing::max_abs_diff(replayed, eager), kGraphBound * scale)
          << (meanflow ? "meanflow" : "guided") << ", " << lengths.size() << " rows x " << frames;
    }
    EXPECT_EQ(graphs.size(), 3) << "one graph per (rows, frames) bucket";

    // Beyond kMaxRowFrames the estimator runs eagerly: no graph, the eager numbers.
    const Call big = random_call(std::vector<int64_t>(9, 4000), 4000, meanflow, device);
    const torch::Tensor eager =
        estimator(big.x, big.mask, big.mu, big.t, big.spks, big.cond, big.r);
    EXPECT_TRUE(torch::equal(
        graphs.forward(estimator, big.x, big.mask, big.mu, big.t, big.spks, big.cond, big.r),
        eager));
    EXPECT_EQ(graphs.size(), 3);
  }
}

}  // namespace
}  // namespace chatterbox
