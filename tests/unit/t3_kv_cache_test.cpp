// Incremental decoding with the KV cache equals a full forward, for both backbones, including
// a padded batch (per-row positions and a key mask) and cache growth.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/io/state_dict.h"
#include "engine/models/t3/backbone.h"
#include "engine/models/t3/kv_cache.h"
#include "tests/support/golden.h"

namespace chatterbox::models::t3 {
namespace {

constexpr double kTolerance = 1e-5;

T3Config small_llama() {
  T3Config c = T3Config::by_name("original");
  c.hidden = 32;
  c.layers = 2;
  c.heads = 4;
  c.head_dim = 8;
  c.intermediate = 48;
  return c;
}

T3Config small_gpt2() {
  T3Config c = T3Config::by_name("nano");
  c.hidden = 32;
  c.layers = 2;
  c.heads = 4;
  c.head_dim = 8;
  c.intermediate = 128;
  c.max_positions = 64;
  return c;
}

io::StateDict random_backbone(const T3Config& c) {
  torch::manual_seed(3);
  io::StateDict dict("random");
  auto put = [&](const std::string& key, std::vector<int64_t> shape, double scale = 0.2,
                 double offset = 0.0) {
    dict.insert("tfmr." + key, torch::randn(shape) * scale + offset);
  };
  const int64_t d = c.hidden;
  for (int64_t i = 0; i < c.layers; ++i) {
    const std::string p = (c.is_llama() ? "layers." : "h.") + std::to_string(i) + ".";
    if (c.is_llama()) {
      put(p + "input_layernorm.weight", {d}, 0.1, 1.0);
      put(p + "post_attention_layernorm.weight", {d}, 0.1, 1.0);
      for (const char* m : {"q_proj", "k_proj", "v_proj", "o_proj"})
        put(p + "self_attn." + m + ".weight", {d, d});
      put(p + "mlp.gate_proj.weight", {c.intermediate, d});
      put(p + "mlp.up_proj.weight", {c.intermediate, d});
      put(p + "mlp.down_proj.weight", {d, c.intermediate});
    } else {
      for (const char* ln : {"ln_1.", "ln_2."}) {
        put(p + ln + "weight", {d}, 0.1, 1.0);
        put(p + ln + "bias", {d}, 0.1);
      }
      put(p + "attn.c_attn.weight", {d, 3 * d});
      put(p + "attn.c_attn.bias", {3 * d});
      put(p + "attn.c_proj.weight", {d, d});
      put(p + "attn.c_proj.bias", {d});
      put(p + "mlp.c_fc.weight", {d, c.intermediate});
      put(p + "mlp.c_fc.bias", {c.intermediate});
      put(p + "mlp.c_proj.weight", {c.intermediate, d});
      put(p + "mlp.c_proj.bias", {d});
    }
  }
  if (c.is_llama()) {
    put("norm.weight", {d}, 0.1, 1.0);
  } else {
    put("wpe.weight", {c.max_positions, d});
    put("ln_f.weight", {d}, 0.1, 1.0);
    put("ln_f.bias", {d}, 0.1);
  }
  return dict;
}

torch::Tensor full_forward(const Backbone& b, const torch::Tensor& x) {
  auto cache = b.make_cache(x.size(0), x.size(1));
  return b.forward(x, consecutive_positions(x.size(0), 0, x.size(1), x.device()), cache,
                   CacheSpan::uniform(0, x.size(0), 0, x.size(1)));
}

// Prefill of `prefill` steps, then one step at a time, in a cache of `capacity` positions.
torch::Tensor incremental_forward(const Backbone& b, const torch::Tensor& x, int64_t prefill,
                                  int64_t capacity) {
  const int64_t rows = x.size(0);
  auto cache = b.make_cache(rows, capacity);
  std::vector<torch::Tensor> outs;
  outs.push_back(b.forward(x.narrow(1, 0, prefill),
                           consecutive_positions(rows, 0, prefill, x.device()), cache,
                           CacheSpan::uniform(0, rows, 0, prefill)));
  for (int64_t t = prefill; t < x.size(1); ++t)
    outs.push_back(b.forward(x.narrow(1, t, 1), consecutive_positions(rows, t, 1, x.device()),
                             cache, CacheSpan::uniform(0, rows, t, 1)));
  return torch::cat(outs, 1);
}

class KVCacheTest : public ::testing::TestWithParam<bool> {
 protected:
  T3Config config() const { return GetParam() ? small_llama() : small_gpt2(); }
};

TEST_P(KVCacheTest, IncrementalDecodeEqualsFullForward) {
  const T3Config c = config();
  auto backbone = load_backbone(c, random_backbone(c), torch::kCPU);
  torch::manual_seed(5);
  auto x = torch::randn({2, 9, c.hidden});
  EXPECT_TENSORS_CLOSE(incremental_forward(*backbone, x, 4, 16), full_forward(*backbone, x),
                       kTolerance);
}

// Rows of different lengths in one cache decode together (per-row starts and masks) exactly as
// each does alone; a batched prefill of the rows with right padding too.
TEST_P(KVCacheTest, RowsOfDifferentLengthsDecodeTogetherAsAlone) {
  const T3Config c = config();
  auto backbone = load_backbone(c, random_backbone(c), torch::kCPU);
  torch::manual_seed(6);
  const std::vector<int64_t> prefill{3, 6};
  const int64_t steps = 4;
  std::vector<torch::Tensor> seqs{torch::randn({1, prefill[0] + steps, c.hidden}),
                                  torch::randn({1, prefill[1] + steps, c.hidden})};
  auto cache = backbone->make_cache(3, 16);  // row 0 stays unused: spans start at row 1
  // Prefill both rows at once, the short one right-padded.
  auto padded = torch::zeros({2, prefill[1], c.hidden});
  padded[0].narrow(0, 0, prefill[0]).copy_(seqs[0][0].narrow(0, 0, prefill[0]));
  padded[1].copy_(seqs[1][0].narrow(0, 0, prefill[1]));
  CacheSpan span{1, {0, 0}, {prefill[0], prefill[1]}};
  auto out =
      backbone->forward(padded, consecutive_positions(2, 0, prefill[1], torch::kCPU), cache, span);
  std::vector<std::vector<torch::Tensor>> got(2);
  for (int r = 0; r < 2; ++r) got[r].push_back(out[r].narrow(0, 0, prefill[r]));
  for (int64_t s = 0; s < steps; ++s) {
    auto step_in =
        torch::stack({seqs[0][0][prefill[0] + s], seqs[1][0][prefill[1] + s]}).unsqueeze(1);
    auto positions = torch::tensor({prefill[0] + s, prefill[1] + s}, torch::kLong).unsqueeze(1);
    auto step_out = backbone->forward(step_in, positions, cache,
                                      CacheSpan{1, {prefill[0] + s, prefill[1] + s}, {1, 1}});
    for (int r = 0; r < 2; ++r) got[r].push_back(step_out[r]);
  }
  for (int r = 0; r < 2; ++r)
    EXPECT_TENSORS_CLOSE(torch::cat(got[r], 0), full_forward(*backbone, seqs[r])[0], kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Backbones, KVCacheTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Llama" : "Gpt2"; });

TEST(KVCache, IsPreallocatedAndRefusesToGrow) {
  const T3Config c = small_gpt2();
  auto backbone = load_backbone(c, random_backbone(c), torch::kCPU);
  auto cache = backbone->make_cache(2, 5);
  EXPECT_EQ(cache.bytes(), 2 /*k,v*/ * c.layers * 2 * c.heads * 5 * c.head_dim * 4);
  auto x = torch::randn({2, 6, c.hidden});
  try {
    backbone->forward(x, consecutive_positions(2, 0, 6, torch::kCPU), cache,
                      CacheSpan::uniform(0, 2, 0, 6));
    FAIL() << "a pass beyond the capacity must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  }
}

TEST(KVCache, CopyRowMovesASequence) {
  KVCache cache(1, 3, 2, 4, 6, torch::TensorOptions());
  auto k = torch::randn({1, 2, 3, 4}), v = torch::randn({1, 2, 3, 4});
  auto w = cache.window(CacheSpan::uniform(2, 1, 0, 3), 3);
  cache.write(0, k, v, w);
  cache.copy_row(2, 0, 3);
  // One more step on row 0 sees the three copied positions before it.
  auto k1 = torch::randn({1, 2, 1, 4}), v1 = torch::randn({1, 2, 1, 4});
  auto [keys, values] = cache.write(0, k1, v1, cache.window(CacheSpan::uniform(0, 1, 3, 1), 1));
  EXPECT_TRUE(keys.narrow(2, 0, 3).equal(k));
  EXPECT_TRUE(values.narrow(2, 0, 3).equal(v));
  EXPECT_TRUE(keys.narrow(2, 3, 1).equal(k1));
}

}  // namespace
}  // namespace chatterbox::models::t3
