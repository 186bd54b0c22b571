// S3TokenizerV2 pieces: FSQ rounding (half to even), rotary tables, masked batching equal to
// single runs, the >30 s windowed path, and loading with or without the optional buffers.

#include <gtest/gtest.h>

#include <cmath>

#include "engine/models/s3gen/s3tokenizer.h"

namespace chatterbox::models::s3gen {
namespace {

// A narrow tokenizer (same architecture, 64 wide, 2 blocks) with seeded random weights.
S3Tokenizer small_tokenizer() {
  torch::manual_seed(1234);
  S3EncoderConfig config;
  config.n_state = 64;
  config.n_head = 4;
  config.n_layer = 2;
  return S3Tokenizer(config);
}

torch::Tensor noise(int64_t length, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randn({length}, gen) * 0.1;
}

TEST(S3TokenizerFsq, RoundsHalfToEvenAndReadsTernaryDigitsLeastSignificantFirst) {
  // digits: 0.6->2, -0.6->0, 0.5->1 (round(0.5)=0), -0.5->1 (round(-0.5)=-0), 0->1, 0.9->2,
  // -0.9->0, 0.49->1.
  torch::Tensor h = torch::tensor({0.6f, -0.6f, 0.5f, -0.5f, 0.0f, 0.9f, -0.9f, 0.49f});
  EXPECT_EQ(fsq_codes(h).item<int64_t>(), 2 + 9 + 27 + 81 + 2 * 243 + 2187);
  EXPECT_EQ(fsq_codes(torch::full({8}, 0.5f)).item<int64_t>(), 3280);
  EXPECT_EQ(fsq_codes(torch::full({8}, std::nextafter(0.5f, 1.0f))).item<int64_t>(), 6560);
  EXPECT_EQ(fsq_codes(torch::full({8}, std::nextafter(-0.5f, -1.0f))).item<int64_t>(), 0);
  torch::Tensor batch = torch::zeros({2, 3, 8});
  EXPECT_EQ(fsq_codes(batch).sizes(), torch::IntArrayRef({2, 3}));
  EXPECT_EQ(fsq_codes(batch).scalar_type(), torch::kInt64);
}

TEST(S3TokenizerRotary, TablesAreDuplicatedHalvesOfCosAndSin) {
  RotaryTables t = rotary_tables(64, 2048);
  ASSERT_EQ(t.cos.sizes(), torch::IntArrayRef({2048, 64}));
  EXPECT_TRUE(torch::equal(t.cos.slice(1, 0, 32), t.cos.slice(1, 32)));
  EXPECT_TRUE(torch::equal(t.sin.slice(1, 0, 32), t.sin.slice(1, 32)));
  EXPECT_EQ(t.cos[0].min().item<float>(), 1.0f);
  EXPECT_EQ(t.sin[0].abs().max().item<float>(), 0.0f);
  EXPECT_NEAR(t.cos[1][0].item<float>(), std::cos(1.0f), 1e-6);
  EXPECT_NEAR(t.sin[5][1].item<float>(), std::sin(5.0 / std::pow(10000.0, 2.0 / 64)), 1e-6);
}

TEST(S3TokenizerRotary, ScoresDependOnlyOnRelativePosition) {
  RotaryTables t = rotary_tables(16, 64);
  torch::manual_seed(7);
  torch::Tensor q = torch::randn({1, 1, 1, 16}).expand({1, 64, 1, 16});
  torch::Tensor k = torch::randn({1, 1, 1, 16}).expand({1, 64, 1, 16});
  torch::Tensor rq = apply_rotary(q, t.cos, t.sin), rk = apply_rotary(k, t.cos, t.sin);
  auto score = [&](int64_t m, int64_t n) {
    return (rq[0][m][0] * rk[0][n][0]).sum().item<float>();
  };
  EXPECT_NEAR(score(3, 1), score(12, 10), 1e-4);
  EXPECT_NEAR(score(40, 45), score(0, 5), 1e-4);
  EXPECT_NEAR(rq.norm().item<float>(), q.norm().item<float>(), 1e-3);
}

TEST(S3TokenizerBatch, TwoLengthsInOneBatchEqualTwoSingleRuns) {
  S3Tokenizer tokenizer = small_tokenizer();
  torch::Tensor a = noise(16000, 1), b = noise(9000, 2);
  SpeechTokens both = tokenizer->forward(std::vector<torch::Tensor>{a, b});
  SpeechTokens only_a = tokenizer->forward(a);
  SpeechTokens only_b = tokenizer->forward(b);
  ASSERT_EQ(both.tokens.size(0), 2);
  EXPECT_EQ(both.lengths[0].item<int64_t>(), 25);  // 25 tokens per second
  EXPECT_EQ(both.lengths[1].item<int64_t>(), only_b.lengths[0].item<int64_t>());
  EXPECT_EQ(only_b.lengths[0].item<int64_t>(), s3_encoder_output_frames(9000 / 160));
  EXPECT_TRUE(torch::equal(both.tokens[0], only_a.tokens[0]));
  const int64_t nb = only_b.lengths[0].item<int64_t>();
  EXPECT_TRUE(torch::equal(both.tokens[1].slice(0, 0, nb), only_b.tokens[0]));

  // Hidden states at valid frames agree closely (tokens could otherwise hide drift).
  torch::Tensor mel_a = tokenizer->log_mel(a), mel_b = tokenizer->log_mel(b);
  auto [mel, lengths] = pad_mels({mel_a, mel_b});
  S3EncoderOutput batched = tokenizer->encode(mel, lengths);
  S3EncoderOutput single = tokenizer->encode(mel_b.unsqueeze(0), lengths.slice(0, 1));
  EXPECT_LT((batched.hidden[1].slice(0, 0, nb) - single.hidden[0]).abs().max().item<float>(), 1e-4);
}

TEST(S3TokenizerBatch, MaxLenCutsTheMelToFourFramesPerToken) {
  S3Tokenizer tokenizer = small_tokenizer();
  torch::Tensor a = noise(32000, 3);
  SpeechTokens cut = tokenizer->forward(a, 30);
  EXPECT_EQ(cut.tokens.size(1), 30);
  SpeechTokens full = tokenizer->forward(a);
  EXPECT_EQ(full.tokens.size(1), 50);
}

TEST(S3TokenizerLong, MergesOverlappingWindowsDroppingTwoSecondsAtEachSeam) {
  std::vector<std::vector<int64_t>> windows = {{1, 2, 3, 4, 5}, {6, 7, 8, 9}, {10, 11, 12}};
  EXPECT_EQ(merge_windowed_tokens(windows, 1), (std::vector<int64_t>{1, 2, 3, 4, 7, 8, 11, 12}));
  EXPECT_EQ(merge_windowed_tokens({{1, 2, 3}}, 1), (std::vector<int64_t>{1, 2, 3}));
}

TEST(S3TokenizerLong, UtterancesOver30SecondsGoThroughWindows) {
  S3Tokenizer tokenizer = small_tokenizer();
  torch::manual_seed(11);
  const int64_t frames = 5000;  // windows [0, 3000) and [2600, 5000)
  torch::Tensor mel = torch::randn({1, 128, frames});
  torch::Tensor length = torch::full({1}, frames, torch::kInt64);
  SpeechTokens out = tokenizer->quantize(mel, length);
  const int64_t first = 750, second = s3_encoder_output_frames(frames - 2600);
  ASSERT_EQ(out.lengths.item<int64_t>(), first - 50 + second - 50);

  auto window = [&](int64_t begin, int64_t end) {
    return tokenizer
        ->quantize(mel.slice(2, begin, end), torch::full({1}, end - begin, torch::kInt64))
        .tokens[0];
  };
  EXPECT_TRUE(
      torch::equal(out.tokens[0].slice(0, 0, first - 50), window(0, 3000).slice(0, 0, first - 50)));
  EXPECT_TRUE(torch::equal(out.tokens[0].slice(0, first - 50), window(2600, frames).slice(0, 50)));

  // A short item in the same batch keeps its own tokens.
  torch::Tensor short_mel = torch::zeros({1, 128, frames});
  short_mel.slice(2, 0, 400).copy_(mel.slice(2, 0, 400));
  SpeechTokens mixed =
      tokenizer->quantize(torch::cat({mel, short_mel}), torch::tensor({frames, int64_t{400}}));
  EXPECT_EQ(mixed.lengths[1].item<int64_t>(), 100);
  EXPECT_TRUE(torch::equal(mixed.tokens[1].slice(0, 0, 100), window(0, 400)));
  EXPECT_TRUE(torch::equal(mixed.tokens[0], out.tokens[0]));
}

TEST(S3TokenizerLong, AShortLastWindowLosesAllItsTokensAsUpstream) {
  S3Tokenizer tokenizer = small_tokenizer();
  // 5300 frames: windows of 3000, 2700 and 100 frames (750, 675, 25 tokens). The last loses
  // its first 50, i.e. all of them: 700 + 575 + 0.
  SpeechTokens out =
      tokenizer->quantize(torch::zeros({1, 128, 5300}), torch::tensor({int64_t{5300}}));
  EXPECT_EQ(out.lengths.item<int64_t>(), 1275);
}

TEST(S3TokenizerLoad, MelFiltersAndWindowAreOptionalCheckpointEntries) {
  S3Tokenizer source = small_tokenizer();
  io::StateDict weights("test");
  for (const auto& item : source->named_parameters()) weights.insert(item.key(), item.value());
  S3Tokenizer without = small_tokenizer();
  without->load(weights);
  torch::Tensor x = noise(8000, 5);
  EXPECT_TRUE(torch::equal(without->log_mel(x), source->log_mel(x)));

  io::StateDict with_buffers = weights;
  with_buffers.insert("_mel_filters", torch::ones({128, 201}));
  with_buffers.insert("window", torch::ones({400}));
  S3Tokenizer with = small_tokenizer();
  with->load(with_buffers);
  EXPECT_FALSE(torch::equal(with->log_mel(x), source->log_mel(x)));

  io::StateDict misshapen = weights;
  misshapen.insert("window", torch::ones({401}));
  EXPECT_ANY_THROW(small_tokenizer()->load(misshapen));
}

}  // namespace
}  // namespace chatterbox::models::s3gen
