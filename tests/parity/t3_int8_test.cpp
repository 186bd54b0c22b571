// T3 with int8 decode-step weights (precision int8, the CPU) against the float32 model on full-size
// pattern weights: the golden request's speech tokens fed back one decode step at a time through
// both, and the steps' logits compared. The prefill keeps float32 weights, so only the steps
// differ.

#include <gtest/gtest.h>

#include <iostream>

#include "engine/io/param_layout.h"
#include "engine/models/t3/backbone.h"
#include "engine/models/t3/t3_model.h"
#include "tests/support/golden.h"

namespace chatterbox::models::t3 {
namespace {

constexpr float kGoldenEmotion = 0.7f;  // reference.py t3_inputs
// Measured on pattern weights (2 threads of an AMD EPYC, AVX2): step logits max |diff| base
// 0.0140, turbo 0.0186, nano 0.0198, the logits of a step spread over 4.5-5.2 (0.3-0.4 %); the
// most likely token equal in 40 of 40, 40 of 41 and 41 of 41 steps. Held at twice that.
constexpr double kStepLogitBound = 0.04;

std::shared_ptr<const T3Model> load(const std::string& variant, bool int8) {
  T3LoadOptions options;
  options.int8_rows = int8;
  return T3Model::load(variant, io::pattern_state_dict("t3_" + variant), options);
}

struct Request {
  T3Conditionals cond;
  torch::Tensor text;    // (1, N)
  torch::Tensor speech;  // (N_s,) the tokens fed back, one a step
};

// The golden's request (turbo's inputs for nano, which has no golden: the same tokenizer).
Request golden_request(const std::string& variant, const T3Config& config) {
  const auto g = testing::load_golden(std::string("t3_") + (variant == "nano" ? "turbo" : variant) +
                                      "_inference");
  Request r;
  r.cond.speaker_emb = g["speaker_emb"];
  r.cond.cond_prompt_speech_tokens = g["cond_prompt_speech_tokens"];
  if (config.emotion_input) r.cond.emotion_adv = torch::full({1, 1, 1}, kGoldenEmotion);
  r.text = g["text_tokens"];
  r.speech = g["tokens"].view({-1}).clamp_max(config.speech_vocab - 1);
  return r;
}

// Logits of each decode step (one row: the conditional one), feeding `speech` back in.
torch::Tensor stepped_logits(const T3Model& model, const Request& r) {
  const torch::Tensor prefill = model.prefill_embeddings(r.cond, r.text, 0.5).narrow(0, 0, 1);
  const int64_t length = prefill.size(1), steps = r.speech.numel();
  KVCache cache = model.backbone().make_cache(1, length + steps);
  torch::Tensor hidden =
      model.backbone().forward(prefill, consecutive_positions(1, 0, length, torch::kCPU), cache,
                               CacheSpan::uniform(0, 1, 0, length));
  std::vector<torch::Tensor> logits{model.speech_logits(hidden.select(1, length - 1))};
  for (int64_t k = 0; k + 1 < steps; ++k) {
    const auto embeds = model.step_embeddings(r.speech.narrow(0, k, 1), torch::full({1}, k + 1));
    hidden = model.backbone().forward(embeds, torch::full({1, 1}, length + k, torch::kLong), cache,
                                      CacheSpan::uniform(0, 1, length + k, 1));
    logits.push_back(model.speech_logits(hidden.select(1, 0)));
  }
  return torch::cat(logits);
}

class T3Int8 : public ::testing::TestWithParam<std::string> {};

TEST_P(T3Int8, DecodeStepLogitsStayNearFloat32) {
  const auto exact = load(GetParam(), false);
  const auto int8 = load(GetParam(), true);
  const Request r = golden_request(GetParam(), exact->config());
  const torch::Tensor want = stepped_logits(*exact, r);
  const torch::Tensor got = stepped_logits(*int8, r);
  const double diff = testing::max_abs_diff(got, want);
  const double spread = (want.amax(1) - want.amin(1)).max().item<double>();
  const int64_t same_top = got.argmax(1).eq(want.argmax(1)).sum().item<int64_t>();
  std::cout << GetParam() << " int8 steps: logits max |diff| " << diff << " (spread " << spread
            << "), top token equal in " << same_top << " of " << want.size(0) << " steps\n";
  EXPECT_LE(diff, kStepLogitBound);
  EXPECT_GT(diff, 0.0) << "the int8 weights were not used";
}

INSTANTIATE_TEST_SUITE_P(Variants, T3Int8, ::testing::Values("base", "turbo", "nano"));

}  // namespace
}  // namespace chatterbox::models::t3
