// Parity of the multilingual front end (punc_norm + lower + NFKD + language step + tag +
// [SPACE] + BPE) with goldens/mtl_tokenizer.

#include <gtest/gtest.h>

#include "engine/text/mtl_tokenizer.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

torch::Tensor as_row(const std::vector<int64_t>& ids) {
  return torch::tensor(ids, torch::kInt64).reshape({1, static_cast<int64_t>(ids.size())});
}

TEST(TokenizerMtlParity, NormalisedTextsAndIdsMatchTheReference) {
  const auto golden = testing::load_golden("mtl_tokenizer");
  const auto tok =
      text::MtlTokenizer::from_files(testing::goldens_dir() + "/mtl_tokenizer.json", "");
  const auto& items = golden.meta.at("items");
  ASSERT_EQ(items.size(), 6u);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string language = items[i][0].get<std::string>();
    SCOPED_TRACE("item " + std::to_string(i) + " (" + language + ")");
    const std::string normalized = tok.normalize(items[i][1].get<std::string>());
    EXPECT_EQ(normalized, golden.meta.at("normalized")[i].get<std::string>());
    EXPECT_TENSORS_EQUAL(as_row(tok.encode(normalized, language)),
                         golden["ids_" + std::to_string(i)]);
  }
}

TEST(TokenizerMtlParity, TextToTokensWrapsTheIdsInStartAndStop) {
  const auto golden = testing::load_golden("mtl_tokenizer");
  const auto tok =
      text::MtlTokenizer::from_files(testing::goldens_dir() + "/mtl_tokenizer.json", "");
  const auto& items = golden.meta.at("items");
  for (size_t i = 0; i < items.size(); ++i) {
    const auto ids = golden["ids_" + std::to_string(i)];
    const auto expected =
        torch::cat({torch::full({1, 1}, text::kStartTextToken, torch::kInt64), ids,
                    torch::full({1, 1}, text::kStopTextToken, torch::kInt64)},
                   1);
    // The pipeline passes the language upper- or lower-case; both give the same tag.
    EXPECT_TENSORS_EQUAL(
        tok.text_to_tokens(items[i][1].get<std::string>(), items[i][0].get<std::string>()),
        expected);
  }
}

}  // namespace
}  // namespace chatterbox
