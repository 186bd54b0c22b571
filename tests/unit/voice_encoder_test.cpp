#include "engine/models/voice_encoder/voice_encoder.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/common/error.h"
#include "engine/dsp/audio_file.h"
#include "engine/dsp/trim_silence.h"
#include "engine/dsp/ve_mel.h"
#include "engine/io/param_layout.h"
#include "engine/models/voice_encoder/partials.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using voice_encoder::EmbedOptions;
using voice_encoder::PartialPlan;
using voice_encoder::VoiceEncoder;

const VoiceEncoder& pattern_encoder() {
  static const VoiceEncoder ve = VoiceEncoder::load(io::pattern_state_dict("ve"));
  return ve;
}

TEST(VoiceEncoderPartials, StepAndCountFollowTheReference) {
  EXPECT_EQ(voice_encoder::partial_step(1.3, 16000, 160), 77);  // round(76.92)
  // 10 s of audio: 1001 frames -> 12 windows over 1007 frames (spec example).
  PartialPlan p = voice_encoder::plan_partials(1001, 77, 160);
  EXPECT_EQ(p.count, 12);
  EXPECT_EQ(p.target_frames, 1007);
  // 4 s: the last partial window would cover too little (58 % < 80 %), so it is dropped.
  p = voice_encoder::plan_partials(401, 77, 160);
  EXPECT_EQ(p.count, 4);
  EXPECT_EQ(p.target_frames, 391);
  // Shorter than one window: one zero-padded window.
  p = voice_encoder::plan_partials(30, 77, 160);
  EXPECT_EQ(p.count, 1);
  EXPECT_EQ(p.target_frames, 160);
  EXPECT_THROW(voice_encoder::plan_partials(0, 77, 160), Error);
}

TEST(VoiceEncoderPartials, WindowsAreOverlappingSlicesWithAZeroTail) {
  const torch::Tensor mel = torch::rand({300, 40});
  const PartialPlan plan = voice_encoder::plan_partials(300, 77, 160);
  ASSERT_EQ(plan.count, 3);  // (300-83)/77 = 2 rem 63; (63+83)/160 = 0.91 -> 3
  ASSERT_EQ(plan.target_frames, 314);
  const torch::Tensor windows = voice_encoder::cut_partials(mel, plan);
  ASSERT_EQ(windows.sizes(), (std::vector<int64_t>{3, 160, 40}));
  EXPECT_TRUE(windows[1].equal(mel.narrow(0, 77, 160)));
  EXPECT_TRUE(windows[2].narrow(0, 0, 146).equal(mel.narrow(0, 154, 146)));
  EXPECT_EQ(windows[2].narrow(0, 146, 14).abs().max().item<float>(), 0.0f);
}

// Our step-by-step LSTM against libtorch's fused at::lstm on random weights.
TEST(VoiceEncoderLstm, MatchesTorchLstm) {
  torch::manual_seed(3);
  io::StateDict weights("random");
  std::vector<torch::Tensor> params;
  for (int l = 0; l < 3; ++l) {
    const int64_t in = l == 0 ? 40 : 256;
    const std::string s = "_l" + std::to_string(l);
    for (auto [name, shape] :
         std::vector<std::pair<std::string, std::vector<int64_t>>>{{"lstm.weight_ih", {1024, in}},
                                                                   {"lstm.weight_hh", {1024, 256}},
                                                                   {"lstm.bias_ih", {1024}},
                                                                   {"lstm.bias_hh", {1024}}}) {
      const torch::Tensor t = (torch::rand(shape) * 2 - 1) * 0.0625;
      weights.insert(name + s, t);
      params.push_back(t);
    }
  }
  weights.insert("proj.weight", torch::randn({256, 256}) * 0.05);
  weights.insert("proj.bias", torch::randn({256}) * 0.05);
  const VoiceEncoder ve = VoiceEncoder::load(weights);

  const torch::Tensor x = torch::rand({5, 160, 40});
  const torch::Tensor zeros = torch::zeros({3, 5, 256});
  const auto fused = at::lstm(x, {zeros, zeros}, params, /*has_biases=*/true, /*num_layers=*/3,
                              /*dropout=*/0.0, /*train=*/false, /*bidirectional=*/false,
                              /*batch_first=*/true);
  const torch::Tensor h_n = std::get<1>(fused);
  EXPECT_TENSORS_CLOSE(ve.lstm_last_hidden(x), h_n[2], 1e-6);

  const torch::Tensor expected =
      torch::relu(torch::linear(h_n[2], weights.get("proj.weight"), weights.get("proj.bias")));
  const torch::Tensor embeds = ve.embed_partials(x);
  EXPECT_TENSORS_CLOSE(embeds, expected / expected.norm(2, {1}, true), 1e-6);
}

TEST(VoiceEncoderTrim, KeepsFramesWithin20dBOfTheLoudest) {
  torch::manual_seed(5);
  const torch::Tensor x =
      torch::cat({torch::zeros({10240}), torch::randn({16000}) * 0.1, torch::zeros({10240})});
  // Frame t spans samples [512 t - 1024, 512 t + 1024): frames 19..53 overlap the noise by
  // enough (>= 6 %) to be within 20 dB of the loudest.
  const dsp::SampleRange range = dsp::non_silent_range(x);
  EXPECT_EQ(range.start, 19 * 512);
  EXPECT_EQ(range.end, 54 * 512);
  EXPECT_EQ(dsp::trim_silence(x).size(0), 35 * 512);

  // Levels are relative to the loudest frame, so digital silence is all "loud" (as in librosa).
  const dsp::SampleRange all = dsp::non_silent_range(torch::zeros({5000}));
  EXPECT_EQ(all.start, 0);
  EXPECT_EQ(all.end, 5000);
  // Never past the end of the signal.
  const torch::Tensor loud_tail = torch::cat({torch::zeros({3000}), torch::ones({100})});
  EXPECT_EQ(dsp::non_silent_range(loud_tail).end, 3100);
}

TEST(VoiceEncoderMel, SlaneyFiltersHaveUnitArea) {
  const torch::Tensor fb = dsp::ve_mel_filters();
  ASSERT_EQ(fb.sizes(), (std::vector<int64_t>{40, 201}));
  EXPECT_GE(fb.min().item<float>(), 0.0f);
  // Slaney normalisation gives each triangle unit area in Hz (bins are 40 Hz apart); the
  // narrow low bands are too coarsely sampled for this check.
  const torch::Tensor area = fb.sum(1) * 40.0;
  for (int m = 12; m < 40; ++m) EXPECT_NEAR(area[m].item<double>(), 1.0, 0.05) << "band " << m;
  // Band centres increase.
  const torch::Tensor peaks = fb.argmax(1);
  for (int m = 1; m < 40; ++m) EXPECT_GE(peaks[m].item<int64_t>(), peaks[m - 1].item<int64_t>());
}

TEST(VoiceEncoderMel, SineLandsInItsBandWithPowerScaling) {
  const torch::Tensor t = torch::arange(16000, torch::kFloat64) / 16000.0;
  const torch::Tensor tone = torch::sin(2 * M_PI * 2000.0 * t).to(torch::kFloat32);
  const torch::Tensor mel = dsp::ve_mel_spectrogram(tone);
  ASSERT_EQ(mel.sizes(), (std::vector<int64_t>{1 + 16000 / 160, 40}));
  const int64_t band = mel.mean(0).argmax().item<int64_t>();
  const torch::Tensor fb = dsp::ve_mel_filters();
  EXPECT_EQ(band, fb.select(1, 2000 / 40).argmax().item<int64_t>());
  // Linear power: halving the amplitude quarters every value.
  EXPECT_TENSORS_CLOSE(dsp::ve_mel_spectrogram(tone * 0.5), mel * 0.25, 1e-5);
  EXPECT_THROW(dsp::ve_mel_spectrogram(torch::zeros({200})), Error);
}

TEST(VoiceEncoderEmbedding, RealSpeechGivesAStableUnitEmbedding) {
  const VoiceEncoder& ve = pattern_encoder();
  const dsp::Audio a = dsp::read_audio_file(testing::audio_path("BAC009S0764W0121.wav"));
  const dsp::Audio b = dsp::read_audio_file(testing::audio_path("BAC009S0764W0122.wav"));
  const torch::Tensor ea = ve.embed_utterance(b.samples);
  ASSERT_EQ(ea.sizes(), (std::vector<int64_t>{1, 256}));
  EXPECT_TRUE(torch::isfinite(ea).all().item<bool>());
  EXPECT_NEAR(ea.norm().item<double>(), 1.0, 1e-5);
  EXPECT_GE(ea.min().item<float>(), 0.0f);  // ReLU before normalising
  EXPECT_TRUE(ve.embed_utterance(b.samples).equal(ea));

  // A batch of two utterances gives each one's own embedding.
  const torch::Tensor both = ve.embed_utterances({a.samples, b.samples});
  ASSERT_EQ(both.sizes(), (std::vector<int64_t>{2, 256}));
  EXPECT_TENSORS_CLOSE(both[1].unsqueeze(0), ea, 1e-6);
  EXPECT_TENSORS_CLOSE(both[0].unsqueeze(0), ve.embed_utterance(a.samples), 1e-6);

  // The window batch size only bounds memory.
  EmbedOptions small_batches;
  small_batches.batch_size = 3;
  EXPECT_TENSORS_CLOSE(ve.embed_utterance(b.samples, small_batches), ea, 1e-6);
}

TEST(VoiceEncoderEmbedding, SilentReferenceIsAnInvalidArgument) {
  try {
    pattern_encoder().embed_utterance(torch::zeros({32000}));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("silent"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace chatterbox
