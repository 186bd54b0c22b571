// T3 variants by name, the llama3 RoPE frequencies, and checkpoint errors that name the key.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/io/param_layout.h"
#include "engine/models/t3/rope.h"
#include "engine/models/t3/t3_model.h"
#include "tests/support/golden.h"

namespace chatterbox::models::t3 {
namespace {

TEST(T3Config, VariantsByName) {
  auto original = T3Config::by_name("original");
  EXPECT_TRUE(original.is_llama());
  EXPECT_EQ(original.layers, 30);
  EXPECT_EQ(original.text_vocab, 704);
  EXPECT_EQ(T3Config::by_name("multilingual").text_vocab, 2454);
  auto turbo = T3Config::by_name("turbo");
  EXPECT_FALSE(turbo.is_llama());
  EXPECT_EQ(turbo.layers, 24);
  EXPECT_EQ(turbo.hidden, 1024);
  EXPECT_EQ(turbo.heads, 16);
  auto nano = T3Config::by_name("nano");
  EXPECT_EQ(nano.layers, 12);
  EXPECT_EQ(nano.hidden, 768);
  EXPECT_EQ(nano.heads, 12);
  EXPECT_EQ(nano.head_dim, 64);
  EXPECT_EQ(nano.layout_name, "t3_nano");
  try {
    T3Config::by_name("gpt5");
    ADD_FAILURE() << "accepted an unknown variant";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("gpt5"), std::string::npos);
  }
}

TEST(T3Config, Llama3InverseFrequenciesMatchTransformers) {
  // float32 values from transformers (spec t3-and-pipelines.md 6.7).
  const std::vector<float> expected = {
      1.0f,           0.6636013f,     0.44036663f,    0.29222783f,    0.19392276f,
      0.12868738f,    0.085397102f,   0.056669619f,   0.037606031f,   0.024955409f,
      0.016560441f,   0.010989529f,   0.0072926651f,  0.0048394212f,  0.0032114461f,
      0.0013718937f,  0.00052484602f, 0.00017850779f, 7.7846555e-05f, 5.165907e-05f,
      3.4281024e-05f, 2.2748929e-05f, 1.5096218e-05f, 1.0017869e-05f, 6.6478697e-06f,
      4.4115345e-06f, 2.9274997e-06f, 1.9426925e-06f, 1.2891732e-06f, 8.5549692e-07f,
      5.6770881e-07f, 3.7673226e-07f};
  auto inv = llama3_inverse_frequencies(T3Config::by_name("original"));
  ASSERT_EQ(inv.numel(), 32);
  for (int64_t j = 0; j < 32; ++j)
    EXPECT_NEAR(inv[j].item<float>(), expected[static_cast<size_t>(j)],
                2e-7 * expected[static_cast<size_t>(j)])
        << "j = " << j;
}

TEST(T3Config, RotaryIsRotateHalf) {
  auto x = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 1, 1, 4});
  // cos 0, sin 1: the tables keep sin with its first half negated (rotate_half's sign).
  RotaryTables t{torch::zeros({1, 1, 1, 4}),
                 torch::tensor({-1.f, -1.f, 1.f, 1.f}).view({1, 1, 1, 4})};
  EXPECT_TENSORS_CLOSE(apply_rotary(x, t), torch::tensor({-3.f, -4.f, 1.f, 2.f}).view({1, 1, 1, 4}),
                       0.0);
}

TEST(T3Config, RotaryTablesFoldTheSignIntoSin) {
  auto positions = torch::tensor({0, 3, 7}, torch::kLong).view({1, 3});
  auto inv = torch::tensor({1.f, 0.25f});
  const RotaryTables t = rotary_tables(inv, positions);
  auto angles = positions.to(torch::kFloat32).unsqueeze(-1) * inv.view({1, 1, -1});  // (1,3,2)
  EXPECT_TRUE(t.cos.equal(torch::cat({angles, angles}, -1).cos().unsqueeze(1)));
  EXPECT_TRUE(t.signed_sin.equal(torch::cat({-angles.sin(), angles.sin()}, -1).unsqueeze(1)));
  // Against rotate_half written out: x * cos + (-x2, x1) * sin.
  auto x = torch::randn({1, 2, 3, 4});
  auto sin = torch::cat({angles, angles}, -1).sin().unsqueeze(1);
  auto rotated = torch::cat({x.narrow(-1, 2, 2).neg(), x.narrow(-1, 0, 2)}, -1);
  EXPECT_TENSORS_CLOSE(apply_rotary(x, t), x * t.cos + rotated * sin, 1e-6);
}

// A checkpoint with the nano layout's shapes that costs no memory (zero-stride tensors).
io::StateDict hollow_nano() {
  io::StateDict dict("hollow-nano");
  const io::ParamLayout layout = io::param_layout("t3_nano");
  for (const auto& spec : layout) dict.insert(spec.key, torch::zeros({1}).expand(spec.shape));
  return dict;
}

void expect_load_error(const io::StateDict& dict, const std::string& needle) {
  try {
    T3Model::load("nano", dict);
    ADD_FAILURE() << "loaded a bad checkpoint";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(T3Config, LoadNamesTheMisshapenKeyAndTheExpectedShape) {
  auto dict = hollow_nano();
  dict.insert("speech_head.weight", torch::zeros({1}).expand({6563, 767}));
  expect_load_error(dict, "speech_head.weight");
  expect_load_error(dict, "[6563, 768]");
}

TEST(T3Config, LoadNamesTheMissingKey) {
  io::StateDict dict("partial");
  const auto hollow = hollow_nano();
  for (const auto& [key, value] : hollow.tensors())
    if (key != "tfmr.h.7.mlp.c_fc.bias") dict.insert(key, value);
  expect_load_error(dict, "tfmr.h.7.mlp.c_fc.bias");
}

}  // namespace
}  // namespace chatterbox::models::t3
