// T3 on slots: the row sampler removes and picks exactly what the one-request processors do;
// requests decoded together, joining and leaving between steps, give the tokens each gives
// alone; slots free on finishing and on release; bad requests take no slot.

#include <gtest/gtest.h>

#include <map>

#include "engine/common/error.h"
#include "engine/models/t3/t3_decoder.h"
#include "engine/sampling/row_sampler.h"
#include "tests/support/golden.h"
#include "tests/support/small_t3.h"

namespace chatterbox::models::t3 {
namespace {

using sampling::ProcessorChain;
using sampling::SamplingOptions;

std::vector<SamplingOptions> varied_options() {
  std::vector<SamplingOptions> rows(5);
  rows[1].temperature = 1.0;
  rows[1].top_k = 50;
  rows[2].top_p = 0.9;
  rows[2].min_p = 0.0;
  rows[3].repetition_penalty = 1.0;
  rows[3].top_p = 1.0;
  rows[4].temperature = 0.6;
  rows[4].top_k = 7;
  rows[4].min_p = 0.2;
  rows[4].repetition_penalty = 2.0;
  return rows;
}

class RowSamplerTest : public ::testing::TestWithParam<ProcessorChain> {};

TEST_P(RowSamplerTest, EveryRowMatchesTheOneRequestChain) {
  const ProcessorChain chain = GetParam();
  const auto rows = varied_options();
  const int64_t n = static_cast<int64_t>(rows.size()), vocab = 300;
  torch::manual_seed(9);
  auto scores = torch::randn({n, vocab}) * 3;
  auto ids = torch::randint(0, vocab, {n, 12}, torch::kLong);
  auto seen = torch::zeros({n, vocab}, torch::kBool).scatter(1, ids, true);
  auto u = torch::rand({n}, torch::kFloat64);

  auto processed = sampling::process_logits_rows(
      chain, scores, sampling::RowOptions::build(chain, rows, torch::kCPU), seen);
  auto tokens = sampling::sample_inverse_cdf_rows(processed.softmax(-1), u);
  for (int64_t r = 0; r < n; ++r) {
    auto expected = sampling::process_logits(chain, rows[static_cast<size_t>(r)],
                                             scores.narrow(0, r, 1), ids.narrow(0, r, 1));
    EXPECT_TRUE(processed[r].equal(expected[0])) << "row " << r;
    EXPECT_EQ(tokens[r].item<int64_t>(),
              sampling::sample_inverse_cdf(expected.softmax(-1)[0], u[r].item<double>()))
        << "row " << r;
  }
}

INSTANTIATE_TEST_SUITE_P(Chains, RowSamplerTest,
                         ::testing::Values(ProcessorChain::kLlama, ProcessorChain::kGpt2),
                         [](const auto& info) {
                           return info.param == ProcessorChain::kLlama ? "Llama" : "Gpt2";
                         });

struct Case {
  T3Conditionals cond;
  torch::Tensor text;
  T3GenerationOptions options;
  uint64_t seed;
};

// Different voices (prompt lengths), texts, options and seeds.
std::vector<Case> cases(const T3Model& model, int count) {
  std::vector<Case> out;
  for (int i = 0; i < count; ++i) {
    Case c;
    // Case 4 has case 0's prompt and text lengths: their prefills run as one batch.
    c.cond = testing::random_t3_voice(100 + i, 10 + 7 * (i % 4));
    c.text = testing::random_text(model.config(), 200 + i, 5 + 3 * (i % 4));
    c.options = T3GenerationOptions::defaults_for(model.config());
    c.options.max_new_tokens = 12 + 3 * (i % 4);
    if (i % 2 == 1) c.options.sampling.temperature = 1.1;
    if (i == 2) c.options.sampling.top_k = 20;
    if (model.config().is_llama() && i == 1) c.options.cfg_weight = 0.3;
    c.seed = 1000 + i;
    out.push_back(c);
  }
  return out;
}

std::vector<int64_t> alone(const T3Model& model, const Case& c) {
  sampling::GeneratorUniforms uniforms(c.seed);
  auto tokens = model.generate(c.cond, c.text, c.options, uniforms).tokens;
  return std::vector<int64_t>(tokens.data_ptr<int64_t>(),
                              tokens.data_ptr<int64_t>() + tokens.numel());
}

class T3DecoderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { model_ = testing::small_t3(GetParam()); }
  std::shared_ptr<const T3Model> model_;
};

// Drives a decoder: admits case i before step `joins[i]`, and cancels case `cancel` at step
// `cancel_step`; returns each case's tokens.
std::map<int, std::vector<int64_t>> together(T3Decoder& decoder, const std::vector<Case>& cs,
                                             const std::vector<int>& joins, int cancel = -1,
                                             int cancel_step = -1) {
  std::vector<std::unique_ptr<sampling::GeneratorUniforms>> uniforms;
  for (const auto& c : cs)
    uniforms.push_back(std::make_unique<sampling::GeneratorUniforms>(c.seed));
  std::map<int64_t, int> case_of_slot;
  std::map<int, std::vector<int64_t>> tokens;
  size_t finished = 0;
  auto take = [&](const std::vector<T3SlotToken>& results) {
    for (const auto& r : results) {
      const int i = case_of_slot.at(r.slot);
      if (r.token >= 0) tokens[i].push_back(r.token);
      if (r.finished) {
        ++finished;
        case_of_slot.erase(r.slot);
      }
    }
  };
  for (int step = 0; finished < cs.size(); ++step) {
    std::vector<T3DecodeRequest> joining;
    std::vector<int> who;
    for (size_t i = 0; i < cs.size(); ++i)
      if (joins[i] == step) {
        joining.push_back({cs[i].cond, cs[i].text, cs[i].options, uniforms[i].get()});
        who.push_back(static_cast<int>(i));
      }
    take(decoder.step());
    if (!joining.empty()) {
      auto first = decoder.prefill(joining);
      for (size_t j = 0; j < first.size(); ++j) case_of_slot[first[j].slot] = who[j];
      take(first);
    }
    if (step == cancel_step)
      for (auto it = case_of_slot.begin(); it != case_of_slot.end(); ++it)
        if (it->second == cancel) {
          decoder.release(it->first);
          case_of_slot.erase(it);
          ++finished;
          break;
        }
    EXPECT_LT(step, 200) << "decoding does not end";
    if (step >= 200) break;
  }
  EXPECT_EQ(decoder.active(), 0);
  return tokens;
}

TEST_P(T3DecoderTest, RequestsTogetherGiveTheTokensTheyGiveAlone) {
  const auto cs = cases(*model_, 5);
  T3Decoder decoder(*model_, 5, 256);
  auto got = together(decoder, cs, {0, 0, 0, 0, 0});
  for (size_t i = 0; i < cs.size(); ++i)
    EXPECT_EQ(got[static_cast<int>(i)], alone(*model_, cs[i])) << "case " << i;
}

// Requests in a voice seen before copy its conditioning's keys and values (prefix_cache.h):
// the same tokens as alone, whatever the cache held; a voice with the same lengths but other
// values is not mistaken for it.
TEST_P(T3DecoderTest, AVoicesConditioningIsComputedOnceAndKeepsTheTokens) {
  const auto cs = cases(*model_, 5);
  std::vector<Case> same_voice{cs[0], cs[4], cs[0], cs[4]};
  same_voice[1].cond = cs[0].cond;  // case 4's text and options in case 0's voice
  same_voice[2].seed = 77;
  T3Decoder decoder(*model_, 4, 256);
  auto got = together(decoder, same_voice, {0, 0, 4, 9});
  for (size_t i = 0; i < same_voice.size(); ++i)
    EXPECT_EQ(got[static_cast<int>(i)], alone(*model_, same_voice[i])) << "request " << i;
  EXPECT_EQ(decoder.prefix_hits(), 2) << "requests 1 and 2 reuse request 0's voice";
}

TEST_P(T3DecoderTest, RequestsJoiningAndLeavingBetweenStepsKeepTheirTokens) {
  const auto cs = cases(*model_, 4);
  T3Decoder decoder(*model_, 3, 256);  // case 3 waits for a slot a finished case frees
  std::vector<int> joins{0, 2, 5, 40};
  auto got = together(decoder, cs, joins, /*cancel=*/1, /*cancel_step=*/6);
  for (int i : {0, 2, 3})
    EXPECT_EQ(got[i], alone(*model_, cs[static_cast<size_t>(i)])) << "case " << i;
  auto full = alone(*model_, cs[1]);
  ASSERT_LE(got[1].size(), full.size());
  EXPECT_TRUE(std::equal(got[1].begin(), got[1].end(), full.begin())) << "cancelled case";
  EXPECT_LT(got[1].size(), full.size());
}

TEST_P(T3DecoderTest, FinishedAndReleasedSlotsAreFreeAgain) {
  auto cs = cases(*model_, 2);
  T3Decoder decoder(*model_, 2, 256);
  sampling::GeneratorUniforms u0(1), u1(2);
  auto first = decoder.prefill(
      {{cs[0].cond, cs[0].text, cs[0].options, &u0}, {cs[1].cond, cs[1].text, cs[1].options, &u1}});
  EXPECT_EQ(decoder.free_slots(), 0);
  decoder.release(first[0].slot);
  EXPECT_EQ(decoder.active(), 1);
  decoder.release(first[0].slot);  // twice is harmless
  EXPECT_EQ(decoder.active(), 1);
  int steps = 0;
  while (decoder.active() > 0 && steps < 100) {
    decoder.step();
    ++steps;
  }
  EXPECT_EQ(decoder.free_slots(), 2);
}

TEST_P(T3DecoderTest, BadRequestsTakeNoSlot) {
  auto cs = cases(*model_, 2);
  sampling::GeneratorUniforms u(1);
  T3Decoder decoder(*model_, 2, 64);
  auto bad = cs[0];
  bad.options.sampling.temperature = 0;
  auto expect_code = [&](std::vector<T3DecodeRequest> requests, ErrorCode code) {
    try {
      decoder.prefill(std::move(requests));
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
    }
    EXPECT_EQ(decoder.active(), 0);
  };
  expect_code({{cs[1].cond, cs[1].text, cs[1].options, &u}, {bad.cond, bad.text, bad.options, &u}},
              ErrorCode::kInvalidArgument);
  auto too_long = cs[1];
  too_long.options.max_new_tokens = 500;
  expect_code({{too_long.cond, too_long.text, too_long.options, &u}},
              ErrorCode::kResourceExhausted);
  expect_code({{cs[0].cond, cs[0].text, cs[0].options, &u},
               {cs[0].cond, cs[0].text, cs[0].options, &u},
               {cs[0].cond, cs[0].text, cs[0].options, &u}},
              ErrorCode::kResourceExhausted);
}

// The fixed shapes a CUDA graph replays (requests padded to a power of two, keys to blocks,
// masked) give the exact step's tokens while requests join, leave and are cancelled between
// steps and the key length crosses blocks; on a CUDA device (CHATTERBOX_TEST_DEVICE=cuda) the
// replayed graphs give the same tokens again. Bound: tokens equal (logits differ by rounding
// only: the padded keys meet exact zeros in softmax).
TEST_P(T3DecoderTest, FixedShapesAndGraphReplayGiveTheExactStepsTokens) {
  const auto device = testing::test_device();
  const auto model = testing::small_t3(GetParam(), 3, torch::kFloat32, device);
  const auto cs = cases(*model, 5);
  const std::vector<int> joins{0, 1, 3, 9, 30};
  auto run = [&](T3StepMode mode) {
    T3Decoder decoder(*model, 3, 120, mode, /*key_block=*/32);
    auto tokens = together(decoder, cs, joins, /*cancel=*/2, /*cancel_step=*/7);
    return std::make_pair(tokens, decoder.graphs_captured());
  };
  const auto exact = run(T3StepMode::kExact).first;
  EXPECT_EQ(run(T3StepMode::kBucketed).first, exact);
  if (!ShapeGraphs::available(device)) {
    EXPECT_THROW(T3Decoder(*model, 3, 120, T3StepMode::kGraphed), Error) << device;
    return;  // CUDA graphs exist only on CUDA devices: the replay half needs one
  }
  const auto graphed = run(T3StepMode::kGraphed);
  EXPECT_EQ(graphed.first, exact);
  EXPECT_GT(graphed.second, 3) << "batch and key buckets should have captured several graphs";
}

INSTANTIATE_TEST_SUITE_P(Variants, T3DecoderTest, ::testing::Values("original", "turbo"),
                         [](const auto& info) {
                           return info.param == "original" ? "Llama" : "Gpt2";
                         });

}  // namespace
}  // namespace chatterbox::models::t3
