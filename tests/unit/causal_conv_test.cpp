// Padding of S3Gen's causal and look-ahead convolutions: which input frames each output sees.

#include <gtest/gtest.h>

#include "engine/models/s3gen/unet_blocks.h"
#include "engine/models/s3gen/upsample_encoder.h"

namespace chatterbox {
namespace {

using namespace models::s3gen;

// Frames of the input (B=1, C, T) whose change moves output frame `t`.
std::vector<int64_t> receptive_field(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                                     const torch::Tensor& x, int64_t t, int64_t time_dim) {
  auto base = f(x).select(time_dim, t);
  std::vector<int64_t> seen;
  for (int64_t s = 0; s < x.size(time_dim); ++s) {
    auto nudged = x.clone();
    nudged.select(time_dim, s).add_(1.0);
    if (!torch::allclose(f(nudged).select(time_dim, t), base, 0, 1e-6)) seen.push_back(s);
  }
  return seen;
}

void randomize(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& p : m.parameters()) p.normal_(0, 0.5);
}

TEST(CausalConv, PadsTwoFramesOnTheLeftOnly) {
  CausalConv1d conv(1, 1, 3);
  {
    torch::NoGradGuard no_grad;
    conv->named_parameters()["weight"].copy_(torch::tensor({1.f, 10.f, 100.f}).view({1, 1, 3}));
    conv->named_parameters()["bias"].zero_();
  }
  auto x = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 1, 4});
  // out[t] = 1*x[t-2] + 10*x[t-1] + 100*x[t], zeros before the start; same length as the input.
  auto expected = torch::tensor({100.f, 210.f, 321.f, 432.f}).view({1, 1, 4});
  EXPECT_TRUE(torch::equal(conv(x), expected)) << conv(x);
}

TEST(CausalConv, ResnetBlockNeverLooksAhead) {
  torch::manual_seed(1);
  CausalResnetBlock1D block(4, 6, 8);
  randomize(*block);
  auto x = torch::randn({1, 4, 9});
  auto mask = torch::ones({1, 1, 9});
  auto temb = torch::randn({1, 8});
  auto f = [&](const torch::Tensor& in) { return block(in, mask, temb); };
  EXPECT_EQ(receptive_field(f, x, 5, 2), (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST(CausalConv, PreLookaheadSeesTwoBackAndThreeAhead) {
  torch::manual_seed(2);
  PreLookaheadLayer layer(4, 3);
  randomize(*layer);
  auto x = torch::randn({1, 10, 4});
  auto valid = torch::ones({1, 10}, torch::kBool);
  auto f = [&](const torch::Tensor& in) { return layer(in, valid); };
  EXPECT_EQ(receptive_field(f, x, 4, 1), (std::vector<int64_t>{2, 3, 4, 5, 6, 7}));
  // At the end the right padding is zeros: only real frames are seen.
  EXPECT_EQ(receptive_field(f, x, 9, 1), (std::vector<int64_t>{7, 8, 9}));
}

TEST(CausalConv, PreLookaheadTreatsPaddedFramesAsZeros) {
  torch::manual_seed(4);
  PreLookaheadLayer layer(4, 3);
  randomize(*layer);
  auto x = torch::randn({1, 6, 4});
  auto alone = layer(x, torch::ones({1, 6}, torch::kBool));
  auto padded_x = torch::cat({x, torch::randn({1, 3, 4})}, 1);
  auto valid = torch::tensor({1, 1, 1, 1, 1, 1, 0, 0, 0}, torch::kBool).view({1, 9});
  EXPECT_TRUE(torch::allclose(layer(padded_x, valid).slice(1, 0, 6), alone, 1e-6, 1e-6));
}

TEST(CausalConv, TimeUpsampleDoublesAndStaysCausal) {
  torch::manual_seed(3);
  TimeUpsample up(3, 2);
  randomize(*up);
  auto x = torch::randn({1, 3, 6});
  EXPECT_EQ(up(x).size(2), 12);
  // Output frame 7 comes from upsampled frames 3..7, i.e. input frames 1..3.
  auto f = [&](const torch::Tensor& in) { return up(in); };
  EXPECT_EQ(receptive_field(f, x, 7, 2), (std::vector<int64_t>{1, 2, 3}));
}

}  // namespace
}  // namespace chatterbox
