// Parity of the English front end (punc_norm + EnTokenizer) with goldens/en_tokenizer.

#include <gtest/gtest.h>

#include "engine/text/en_tokenizer.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

torch::Tensor as_row(const std::vector<int64_t>& ids) {
  return torch::tensor(ids, torch::kInt64).reshape({1, static_cast<int64_t>(ids.size())});
}

TEST(TokenizerEnParity, NormalisedTextsAndIdsMatchTheReference) {
  const auto golden = testing::load_golden("en_tokenizer");
  const auto tok = text::EnTokenizer::from_file(testing::goldens_dir() + "/tokenizer.json");
  const auto& texts = golden.meta.at("texts");
  ASSERT_EQ(texts.size(), 5u);
  for (size_t i = 0; i < texts.size(); ++i) {
    SCOPED_TRACE("text " + std::to_string(i));
    const std::string normalized = tok.normalize(texts[i].get<std::string>());
    EXPECT_EQ(normalized, golden.meta.at("normalized")[i].get<std::string>());
    const auto expected = golden["ids_" + std::to_string(i)];
    EXPECT_TENSORS_EQUAL(as_row(tok.encode(normalized, "")), expected);
  }
}

TEST(TokenizerEnParity, TextToTokensWrapsTheIdsInStartAndStop) {
  const auto golden = testing::load_golden("en_tokenizer");
  const auto tok = text::EnTokenizer::from_file(testing::goldens_dir() + "/tokenizer.json");
  for (size_t i = 0; i < golden.meta.at("texts").size(); ++i) {
    const auto ids = golden["ids_" + std::to_string(i)];
    const auto expected =
        torch::cat({torch::full({1, 1}, text::kStartTextToken, torch::kInt64), ids,
                    torch::full({1, 1}, text::kStopTextToken, torch::kInt64)},
                   1);
    EXPECT_TENSORS_EQUAL(tok.text_to_tokens(golden.meta.at("texts")[i].get<std::string>(), ""),
                         expected);
  }
}

}  // namespace
}  // namespace chatterbox
