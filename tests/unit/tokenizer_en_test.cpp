// English front end on the synthetic tokenizer.json of the goldens: properties checkable by
// hand (round trips, [SPACE] tokens, unknown characters, control tokens, bad input).

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/text/en_tokenizer.h"
#include "engine/text/punctuation.h"
#include "tests/support/golden.h"

namespace chatterbox::text {
namespace {

EnTokenizer load() {
  return EnTokenizer::from_file(testing::goldens_dir() + "/tokenizer.json");
}

int64_t id_of(const EnTokenizer& tok, const std::string& token) {
  return tok.tokenizer().token_to_id(token).value();
}

TEST(TokenizerEn, ControlTokensHaveTheChatterboxIds) {
  const auto tok = load();
  EXPECT_EQ(id_of(tok, "[STOP]"), kStopTextToken);
  EXPECT_EQ(id_of(tok, "[UNK]"), 1);
  EXPECT_EQ(id_of(tok, "[SPACE]"), 2);
  EXPECT_EQ(id_of(tok, "[START]"), kStartTextToken);
}

TEST(TokenizerEn, EverySpaceIsOneSpaceToken) {
  const auto tok = load();
  const auto ids = tok.encode("a  b", "");
  const int64_t space = id_of(tok, "[SPACE]");
  EXPECT_EQ(ids, (std::vector<int64_t>{id_of(tok, "a"), space, space, id_of(tok, "b")}));
}

TEST(TokenizerEn, DecodeInvertsEncodeForTextInTheVocabulary) {
  const auto tok = load();
  for (std::string s : {"Hello world, this is a test.", "Digits 0123456789 and caf\u00E9!",
                        "It's \"quoted\" (twice)  here."}) {
    EXPECT_EQ(tok.decode(tok.encode(s, "")), s);
  }
}

TEST(TokenizerEn, UnknownCharactersBecomeOneUnkEach) {
  const auto tok = load();
  const int64_t unk = id_of(tok, "[UNK]");
  // The emoji and the CJK character are not in the vocabulary; [UNK] disappears on decode.
  const auto ids = tok.encode("a\U0001F600\u4E2Db", "");
  EXPECT_EQ(ids, (std::vector<int64_t>{id_of(tok, "a"), unk, unk, id_of(tok, "b")}));
  EXPECT_EQ(tok.decode(ids), "ab");
}

TEST(TokenizerEn, ControlTokensInTheTextStayWhole) {
  const auto tok = load();
  EXPECT_EQ(tok.encode("[START]a[STOP]", ""),
            (std::vector<int64_t>{kStartTextToken, id_of(tok, "a"), kStopTextToken}));
}

TEST(TokenizerEn, EmptyTextIsTheStockSentence) {
  const auto tok = load();
  EXPECT_TRUE(tok.encode("", "").empty());  // the tokenizer itself: no ids
  const auto t = tok.text_to_tokens("", "");
  const auto expected = tok.encode(std::string(kEmptyTextReplacement), "");
  ASSERT_EQ(t.size(1), static_cast<int64_t>(expected.size()) + 2);
  EXPECT_EQ(t[0][0].item<int64_t>(), kStartTextToken);
  EXPECT_EQ(t[0][-1].item<int64_t>(), kStopTextToken);
}

TEST(TokenizerEn, InvalidUtf8IsInvalidArgument) {
  const auto tok = load();
  for (const auto& call : {+[](const EnTokenizer& t) { t.encode("caf\xC3", ""); },
                           +[](const EnTokenizer& t) { t.text_to_tokens("\xFE", ""); }}) {
    try {
      call(tok);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(TokenizerEn, FactoryLoadsFromACheckpointDirectory) {
  const auto tok = load_text_tokenizer(TextVariant::kOriginal, testing::goldens_dir());
  EXPECT_EQ(tok->variant(), TextVariant::kOriginal);
  try {
    load_text_tokenizer(TextVariant::kOriginal, "/nonexistent");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace chatterbox::text
