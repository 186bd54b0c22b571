// Incremental decoding with the KV cache equals a full forward, for both backbones, including
// a padded batch (per-row positions and a key mask) and cache growth.

#include <gtest/gtest.h>

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
  return b.forward(x, consecutive_positions(x.size(0), 0, x.size(1), x.device()), cache);
}

// Prefill of `prefill` steps, then one step at a time, from a cache of `capacity` slots.
torch::Tensor incremental_forward(const Backbone& b, const torch::Tensor& x, int64_t prefill,
                                  int64_t capacity) {
  auto cache = b.make_cache(x.size(0), capacity);
  std::vector<torch::Tensor> outs;
  outs.push_back(b.forward(x.narrow(1, 0, prefill),
                           consecutive_positions(x.size(0), 0, prefill, x.device()), cache));
  for (int64_t t = prefill; t < x.size(1); ++t)
    outs.push_back(
        b.forward(x.narrow(1, t, 1), consecutive_positions(x.size(0), t, 1, x.device()), cache));
  EXPECT_EQ(cache.length(), x.size(1));
  return torch::cat(outs, 1);
}

class KVCacheTest : public ::testing::TestWithParam<bool> {
 protected:
  T3Config config() const { return GetParam() ? small_llama() : small_gpt2(); }
};

TEST_P(KVCacheTest, IncrementalDecodeEqualsFullForward) {
  auto c = config();
  auto dict = random_backbone(c);
  auto backbone = load_backbone(c, dict, torch::kCPU);
  auto x = torch::randn({2, 12, c.hidden});
  auto full = full_forward(*backbone, x);
  EXPECT_TENSORS_CLOSE(incremental_forward(*backbone, x, 5, 12), full, kTolerance);
  // A cache that starts with 2 slots grows by doubling and gives the same result.
  EXPECT_TENSORS_CLOSE(incremental_forward(*backbone, x, 1, 2), full, kTolerance);
}

TEST_P(KVCacheTest, LeftPaddedRowDecodesLikeItsOwnSequence) {
  auto c = config();
  auto dict = random_backbone(c);
  auto backbone = load_backbone(c, dict, torch::kCPU);
  const int64_t long_len = 9, short_len = 6, pad = long_len - short_len, steps = 3;
  auto long_seq = torch::randn({1, long_len + steps, c.hidden});
  auto short_seq = torch::randn({1, short_len + steps, c.hidden});

  // Batch: row 0 the long sequence, row 1 the short one left-padded with junk.
  auto prefill = torch::cat(
      {long_seq.narrow(1, 0, long_len),
       torch::cat({torch::randn({1, pad, c.hidden}) * 100, short_seq.narrow(1, 0, short_len)}, 1)},
      0);
  auto positions =
      torch::stack({torch::arange(long_len),
                    torch::cat({torch::zeros({pad}, torch::kLong), torch::arange(short_len)})});
  auto key_mask = torch::ones({2, long_len}, torch::kBool);
  key_mask[1].narrow(0, 0, pad).fill_(false);

  auto cache = backbone->make_cache(2, 4);
  std::vector<torch::Tensor> short_out{
      backbone->forward(prefill, positions, cache, key_mask)[1].narrow(0, pad, short_len)};
  for (int64_t s = 0; s < steps; ++s) {
    auto step_in =
        torch::cat({long_seq.narrow(1, long_len + s, 1), short_seq.narrow(1, short_len + s, 1)}, 0);
    auto step_pos = torch::tensor({long_len + s, short_len + s}, torch::kLong).view({2, 1});
    key_mask = torch::cat({key_mask, torch::ones({2, 1}, torch::kBool)}, 1);
    short_out.push_back(backbone->forward(step_in, step_pos, cache, key_mask)[1]);
  }
  auto expected = full_forward(*backbone, short_seq)[0];
  EXPECT_TENSORS_CLOSE(torch::cat(short_out, 0), expected, kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Backbones, KVCacheTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Llama" : "Gpt2"; });

TEST(KVCache, SelectRowsKeepsTheChosenSequences) {
  KVCache cache(1, 3, 2, 4, torch::TensorOptions(), 2);
  auto k = torch::arange(3 * 2 * 1 * 4, torch::kFloat32).view({3, 2, 1, 4});
  cache.append(0, k, -k);
  cache.commit(1);
  cache.select_rows(torch::tensor({2, 0}, torch::kLong));
  EXPECT_EQ(cache.batch(), 2);
  auto [keys, values] = cache.append(0, torch::zeros({2, 2, 1, 4}), torch::zeros({2, 2, 1, 4}));
  EXPECT_TENSORS_CLOSE(keys.narrow(2, 0, 1), k.index_select(0, torch::tensor({2, 0})), 0.0);
}

}  // namespace
}  // namespace chatterbox::models::t3
