#include "engine/models/s3gen/weight_norm.h"

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using models::s3gen::fold_weight_norm;
using models::s3gen::fold_weight_norms;

// g * v / ||v|| with the norm over every dim but 0, in double, written out by hand.
torch::Tensor explicit_fold(const torch::Tensor& g, const torch::Tensor& v) {
  const torch::Tensor vd = v.to(torch::kFloat64);
  const torch::Tensor norms = vd.pow(2).flatten(1).sum(1).sqrt();
  std::vector<int64_t> shape(v.dim(), 1);
  shape[0] = v.size(0);
  return g.to(torch::kFloat64).view(shape) * vd / norms.view(shape);
}

TEST(WeightNorm, FoldEqualsMagnitudeTimesUnitDirection) {
  torch::manual_seed(3);
  for (auto shape : {std::vector<int64_t>{512, 80, 7}, std::vector<int64_t>{64, 18, 1},
                     std::vector<int64_t>{256, 128, 11}}) {
    const torch::Tensor v = torch::randn(shape);
    const torch::Tensor g = torch::rand({shape[0], 1, 1}) + 0.5;
    const torch::Tensor folded = fold_weight_norm(g, v);
    EXPECT_TENSORS_CLOSE(folded, explicit_fold(g, v).to(torch::kFloat32), 1e-6);
    // Each output row has norm |g|.
    EXPECT_TENSORS_CLOSE(folded.flatten(1).norm(2, 1), g.flatten(), 1e-5);
  }
}

TEST(WeightNorm, TransposedConvNormalisesOverItsFirstDimInChannels) {
  // ConvTranspose1d weights are (in, out, k): g is per input channel.
  const torch::Tensor v = torch::randn({8, 4, 5});
  const torch::Tensor g = torch::full({8, 1, 1}, 2.0);
  const torch::Tensor folded = fold_weight_norm(g, v);
  EXPECT_TENSORS_CLOSE(folded.flatten(1).norm(2, 1), torch::full({8}, 2.0), 1e-5);
}

TEST(WeightNorm, StateDictPairsAreReplacedByFoldedWeights) {
  io::StateDict dict("test.safetensors");
  const torch::Tensor v = torch::randn({6, 3, 3}), g = torch::rand({6, 1, 1});
  dict.insert("conv.parametrizations.weight.original0", g);
  dict.insert("conv.parametrizations.weight.original1", v);
  dict.insert("conv.bias", torch::ones({6}));
  dict.insert("old.weight_g", g);
  dict.insert("old.weight_v", v);
  dict.insert("plain.weight", torch::zeros({2, 2}));

  const io::StateDict folded = fold_weight_norms(dict);
  EXPECT_EQ(folded.keys(),
            (std::vector<std::string>{"conv.bias", "conv.weight", "old.weight", "plain.weight"}));
  EXPECT_TRUE(folded.get("conv.weight").equal(fold_weight_norm(g, v)));
  EXPECT_TRUE(folded.get("old.weight").equal(fold_weight_norm(g, v)));
  EXPECT_TRUE(folded.get("plain.weight").equal(torch::zeros({2, 2})));
}

TEST(WeightNorm, AHalfPairIsCorruptData) {
  io::StateDict dict("half.safetensors");
  dict.insert("conv.parametrizations.weight.original1", torch::randn({2, 2, 1}));
  try {
    fold_weight_norms(dict);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
    EXPECT_NE(std::string(e.what()).find("original0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace chatterbox
