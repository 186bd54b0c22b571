// Int8Rows: per-row int8 weights for T3's one- and two-row CPU products.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/models/t3/int8_rows.h"
#include "engine/models/t3/weights.h"
#include "tests/support/golden.h"

namespace chatterbox::models::t3 {
namespace {

TEST(Int8Rows, RoundsEachWeightToHalfAStepOfItsRowsScale) {
  torch::manual_seed(3);
  auto w = torch::randn({37, 53}) * torch::linspace(0.01, 10.0, 37).unsqueeze(1);
  w[5].zero_();
  const auto q = Int8Rows::quantize(w);
  const auto step = w.abs().amax(1, /*keepdim=*/true) / 127.0;
  const auto error = (q.dequantized() - w).abs();
  EXPECT_TRUE(error.le(step / 2 + 1e-7).all().item<bool>());
  EXPECT_TRUE(q.dequantized()[5].eq(0).all().item<bool>()) << "an all-zero row stays zero";
}

TEST(Int8Rows, ProductsEqualTheDequantizedWeightsProducts) {
  torch::manual_seed(4);
  // Widths below, at and around the 16 weights a vector turn takes.
  for (int64_t in : {1, 15, 16, 17, 1027}) {
    const auto w = torch::randn({70, in});
    const auto bias = torch::randn({70});
    const auto q = Int8Rows::quantize(w);
    for (int64_t rows : {1, 2}) {
      const auto x = torch::randn({rows, 1, in});
      const auto want = torch::linear(x, q.dequantized(), bias);
      EXPECT_TENSORS_CLOSE(q.times(x, bias), want, 1e-4 * std::sqrt(static_cast<double>(in)))
          << in << " wide, " << rows << " rows";
      EXPECT_TENSORS_CLOSE(q.times(x, {}), torch::linear(x, q.dequantized()),
                           1e-4 * std::sqrt(static_cast<double>(in)));
    }
  }
}

TEST(Int8Rows, StackedPartsEqualTheQuantizedConcatenation) {
  torch::manual_seed(6);
  const auto a = torch::randn({5, 24}) * 3.0, b = torch::randn({7, 24}) * 0.1;
  const auto qa = Int8Rows::quantize(a), qb = Int8Rows::quantize(b);
  const auto joined = Int8Rows::stacked({&qa, &qb});
  const auto whole = Int8Rows::quantize(torch::cat({a, b}, 0));
  EXPECT_TRUE(torch::equal(joined.dequantized(), whole.dequantized()));
  const auto x = torch::randn({2, 24});
  EXPECT_TRUE(torch::equal(joined.times(x, {}), whole.times(x, {})));
}

TEST(Int8Rows, RefusesWhatItCannotMultiply) {
  const auto q = Int8Rows::quantize(torch::randn({8, 32}));
  EXPECT_THROW(q.times(torch::randn({3, 32}), {}), Error);  // three rows
  EXPECT_THROW(q.times(torch::randn({1, 31}), {}), Error);  // wrong width
  EXPECT_THROW(q.times(torch::randn({1, 32}, torch::kFloat64), {}), Error);
  EXPECT_THROW(Int8Rows::quantize(torch::randn({4})), Error);
}

TEST(Int8Rows, LinearUsesThemForOneOrTwoRowsOnly) {
  torch::manual_seed(5);
  Linear l{torch::randn({24, 40}), torch::randn({24}), {}};
  l.int8 = Int8Rows::quantize(l.weight);
  const auto two = torch::randn({2, 40});
  EXPECT_TENSORS_CLOSE(l(two), torch::linear(two, l.int8.dequantized(), l.bias), 1e-4);
  EXPECT_FALSE(torch::allclose(l(two), torch::linear(two, l.weight, l.bias), 0, 1e-6))
      << "two rows go through the int8 weights";
  const auto three = torch::randn({3, 40});
  EXPECT_TENSORS_CLOSE(l(three), torch::linear(three, l.weight, l.bias), 1e-5);

  Conv1D c{torch::randn({40, 24}), torch::randn({24}), {}};
  c.int8 = Int8Rows::quantize(c.weight.t());
  EXPECT_TENSORS_CLOSE(c(two), torch::addmm(c.bias, two, c.int8.dequantized().t()), 1e-4);
}

}  // namespace
}  // namespace chatterbox::models::t3
