// embed_ref: shapes, the token trimming rule, and both input rates.

#include <gtest/gtest.h>

#include "engine/dsp/prompt_mel.h"
#include "engine/dsp/sinc_resampler.h"
#include "engine/models/s3gen/reference_embedding.h"

namespace chatterbox::models::s3gen {
namespace {

ReferenceEmbedder small_embedder() {
  torch::manual_seed(21);
  S3EncoderConfig config;
  config.n_state = 64;
  config.n_head = 4;
  config.n_layer = 1;
  return ReferenceEmbedder(S3Tokenizer(config), CampPlus());
}

torch::Tensor noise(int64_t length) {
  auto gen = at::detail::createCPUGenerator(17);
  return torch::randn({length}, gen) * 0.1;
}

TEST(ReferenceEmbedding, TrimsSurplusTokensToHalfTheMelFrames) {
  ReferenceEmbedder embedder = small_embedder();
  // 1.01 s at 24 kHz: 50 mel frames; 16160 samples at 16 kHz give 101 log-mel frames and 26
  // tokens, one more than 50 / 2.
  ReferenceEmbedding ref = embedder.embed_ref(noise(24240), 24000);
  EXPECT_EQ(ref.prompt_feat.sizes(), torch::IntArrayRef({1, 50, 80}));
  EXPECT_EQ(ref.prompt_token.sizes(), torch::IntArrayRef({1, 25}));
  EXPECT_EQ(ref.prompt_token.scalar_type(), torch::kInt64);
  EXPECT_EQ(ref.prompt_token_len.item<int64_t>(), 25);
  EXPECT_EQ(ref.embedding.sizes(), torch::IntArrayRef({1, 192}));
}

TEST(ReferenceEmbedding, NeverPadsWhenTokensAreShort) {
  ReferenceEmbedder embedder = small_embedder();
  // 24480 samples: 51 mel frames, 16320 samples at 16 kHz -> 102 frames -> 26 tokens (52 > 51:
  // trimmed to 25); 24960 samples: 52 frames and 26 tokens, left as they are.
  EXPECT_EQ(embedder.embed_ref(noise(24480), 24000).prompt_token.size(1), 25);
  EXPECT_EQ(embedder.embed_ref(noise(24960), 24000).prompt_token.size(1), 26);
}

TEST(ReferenceEmbedding, SixteenKilohertzInputFeedsTheTokenizerDirectly) {
  ReferenceEmbedder embedder = small_embedder();
  torch::Tensor wav16 = noise(16000);
  ReferenceEmbedding ref = embedder.embed_ref(wav16, 16000);
  SpeechTokens tokens = embedder.tokenizer()->forward(wav16);
  EXPECT_TRUE(torch::equal(ref.prompt_token, tokens.tokens));
  torch::Tensor wav24 = dsp::SincResampler(16000, 24000)(wav16.unsqueeze(0));
  EXPECT_TRUE(torch::equal(ref.prompt_feat, dsp::PromptMelExtractor()(wav24).transpose(1, 2)));
  EXPECT_TRUE(torch::equal(ref.embedding, embedder.speaker_encoder()->inference(wav16)));
}

TEST(ReferenceEmbedding, T3PromptTokensHonourMaxSamplesAndMaxLen) {
  ReferenceEmbedder embedder = small_embedder();
  torch::Tensor wav16 = noise(48000);
  EXPECT_EQ(t3_prompt_tokens(embedder.tokenizer(), wav16, 16000, 150).sizes(),
            torch::IntArrayRef({1, 25}));
  EXPECT_EQ(t3_prompt_tokens(embedder.tokenizer(), wav16, 48000, 60).sizes(),
            torch::IntArrayRef({1, 60}));
}

}  // namespace
}  // namespace chatterbox::models::s3gen
