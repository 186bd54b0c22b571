// Parity of the Turbo/Nano front end (its punc_norm + GPT-2 byte-level BPE with the
// paralinguistic tags) with goldens/turbo_tokenizer, loading the tokenizer both from the
// GPT-2 file set (as the checkpoints ship it) and from tokenizer.json.

#include <gtest/gtest.h>

#include "engine/text/turbo_tokenizer.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

torch::Tensor as_row(const std::vector<int64_t>& ids) {
  return torch::tensor(ids, torch::kInt64).reshape({1, static_cast<int64_t>(ids.size())});
}

void expect_matches_golden(const text::TurboTokenizer& tok) {
  const auto golden = testing::load_golden("turbo_tokenizer");
  const auto& texts = golden.meta.at("texts");
  ASSERT_EQ(texts.size(), 4u);
  EXPECT_EQ(tok.tokenizer().size(), golden.meta.at("len_tokenizer").get<size_t>());
  for (size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE("text " + std::to_string(i));
    const std::string normalized = tok.normalize(texts[i].get<std::string>());
    EXPECT_EQ(normalized, golden.meta.at("normalized")[i].get<std::string>());
    const auto expected = golden["ids_" + std::to_string(i)];
    EXPECT_TENSORS_EQUAL(as_row(tok.encode(normalized, "")), expected);
    // Turbo's T3 receives the ids as they are: no start/stop tokens.
    EXPECT_TENSORS_EQUAL(tok.text_to_tokens(texts[i].get<std::string>(), ""), expected);
  }
}

TEST(TokenizerTurboParity, FromVocabAndMergesFiles) {
  expect_matches_golden(text::TurboTokenizer::from_directory(
      testing::goldens_dir() + "/turbo_tokenizer", /*prefer_tokenizer_json=*/false));
}

TEST(TokenizerTurboParity, FromTokenizerJson) {
  expect_matches_golden(text::TurboTokenizer::from_directory(
      testing::goldens_dir() + "/turbo_tokenizer", /*prefer_tokenizer_json=*/true));
}

}  // namespace
}  // namespace chatterbox
