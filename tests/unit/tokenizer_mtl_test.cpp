// Multilingual front end on the synthetic grapheme vocabulary of the goldens: language tags,
// lower-casing + NFKD, language steps, refusals, and the Cangjie table.

#include <gtest/gtest.h>

#include <fstream>

#include "engine/common/error.h"
#include "engine/text/languages.h"
#include "engine/text/mtl_tokenizer.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox::text {
namespace {

MtlTokenizer load() {
  return MtlTokenizer::from_files(testing::goldens_dir() + "/mtl_tokenizer.json", "");
}

ErrorCode encode_error(const MtlTokenizer& tok, const std::string& text, const std::string& lang,
                       std::string* message = nullptr) {
  try {
    tok.encode(text, lang);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ErrorCode::kInternal;
}

TEST(TokenizerMtl, TwentyThreeLanguagesEachWithItsTag) {
  const auto tok = load();
  ASSERT_EQ(supported_languages().size(), 23u);
  for (const auto& code : supported_languages()) {
    const auto tag = tok.tokenizer().token_to_id("[" + code + "]");
    ASSERT_TRUE(tag.has_value()) << code;
    if (code == "zh" || code == "ja") continue;
    EXPECT_EQ(tok.encode("a", code).front(), *tag) << code;
  }
  EXPECT_EQ(tok.encode("a", "FR"), tok.encode("a", "fr"));
}

TEST(TokenizerMtl, UnknownLanguageIsInvalidArgument) {
  const auto tok = load();
  std::string message;
  EXPECT_EQ(encode_error(tok, "a", "pt-br", &message), ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("pt-br"), std::string::npos) << message;
  EXPECT_NE(message.find("sw"), std::string::npos) << message;  // lists the supported codes
}

TEST(TokenizerMtl, EmptyLanguageAddsNoTag) {
  const auto tok = load();
  EXPECT_EQ(tok.prepare("Ab", ""), "ab");
  const auto tagged = tok.encode("ab", "en");
  EXPECT_EQ(tok.encode("ab", ""), std::vector<int64_t>(tagged.begin() + 1, tagged.end()));
}

TEST(TokenizerMtl, LowerCasesLikePythonThenDecomposes) {
  const auto tok = load();
  EXPECT_EQ(tok.prepare("\u0130stanbul", "tr"), "[tr]i\u0307stanbul");
  EXPECT_EQ(tok.prepare("\u00C7A \u03A3\u039F\u03A6\u039F\u03A3", "el"),
            "[el]c\u0327a \u03C3\u03BF\u03C6\u03BF\u03C2");
  EXPECT_EQ(tok.prepare("Full\uFF0Cwidth\uFF01", "en"), "[en]full,width!");
  EXPECT_EQ(tok.prepare("STRA\u00DFE", "de"), "[de]stra\u00DFe");  // lower keeps sharp s
}

TEST(TokenizerMtl, KoreanIsJamoWithoutOuterWhitespace) {
  EXPECT_EQ(decompose_hangul("\uD55C"), "\u1112\u1161\u11AB");
  EXPECT_EQ(decompose_hangul("\uAC00"), "\u1100\u1161");  // no final consonant
  EXPECT_EQ(decompose_hangul(" \u3000x "), "x");
  const auto tok = load();
  EXPECT_EQ(tok.prepare("\uC548\uB155", "ko"), "[ko]\u110B\u1161\u11AB\u1102\u1167\u11BC");
}

TEST(TokenizerMtl, HebrewAndRussianPassThrough) {
  const auto tok = load();
  EXPECT_EQ(tok.prepare("\u05E9\u05DC\u05D5\u05DD", "he"), "[he]\u05E9\u05DC\u05D5\u05DD");
  EXPECT_EQ(tok.prepare("\u041F\u0420\u0418\u0412\u0415\u0422", "ru"),
            "[ru]\u043F\u0440\u0438\u0432\u0435\u0442");  // NFKD splits nothing here
}

TEST(TokenizerMtl, JapaneseAndChineseWithoutResourcesAreRefused) {
  const auto tok = load();
  std::string message;
  EXPECT_EQ(encode_error(tok, "\u65E5\u672C", "ja", &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("pykakasi"), std::string::npos) << message;
  EXPECT_EQ(encode_error(tok, "\u4E2D\u6587", "zh", &message), ErrorCode::kNotFound);
  EXPECT_NE(message.find("Cangjie5_TC.json"), std::string::npos) << message;
}

class TokenizerMtlCangjie : public ::testing::Test {
 protected:
  void SetUp() override {
    // 日 = a; 曰 shares code a (index 1); 中 = l then re-listed as ll (last entry wins);
    // the multi-character entry counts for the index of code ll.
    std::ofstream(dir_.file("Cangjie5_TC.json"))
        << R"(["日\ta", "曰\ta\textra", "中\tl", "中中\tll", "中\tll"])";
  }
  testing::TempDir dir_;
};

TEST_F(TokenizerMtlCangjie, CodesCarryIndexAndLastEntryWins) {
  const auto table = CangjieTable::from_file(dir_.file("Cangjie5_TC.json"));
  EXPECT_EQ(table.code_for("\u65E5").value(), "a");
  EXPECT_EQ(table.code_for("\u66F0").value(), "a1");
  EXPECT_EQ(table.code_for("\u4E2D").value(), "ll1");
  EXPECT_FALSE(table.code_for("\u3042").has_value());
  // Only Lo characters are coded; others (digits, kana not in the table) are kept.
  EXPECT_EQ(table.encode("\u65E5\u66F0 1\u3042"), "[cj_a][cj_.][cj_a][cj_1][cj_.] 1\u3042");
}

TEST_F(TokenizerMtlCangjie, ChineseIsCodedWhenTheTableIsPresent) {
  const auto tok = MtlTokenizer::from_files(testing::goldens_dir() + "/mtl_tokenizer.json",
                                            dir_.file("Cangjie5_TC.json"));
  EXPECT_EQ(tok.prepare("\u4E2D", "zh"), "[zh][cj_l][cj_l][cj_1][cj_.]");
  EXPECT_FALSE(tok.encode("\u4E2D", "zh").empty());
}

TEST(TokenizerMtl, DecodeGivesThePreparedText) {
  const auto golden = testing::load_golden("mtl_tokenizer");
  const auto tok = load();
  for (size_t i = 0; i < golden.meta.at("items").size(); ++i) {
    const std::string lang = golden.meta.at("items")[i][0].get<std::string>();
    const std::string text = golden.meta.at("normalized")[i].get<std::string>();
    EXPECT_EQ(tok.decode(tok.encode(text, lang)), tok.prepare(text, lang)) << i;
  }
}

TEST(TokenizerMtl, DigitsAccentsAndEmojiSurviveOrBecomeUnk) {
  const auto tok = load();
  // Digits and decomposed accents are graphemes of the vocabulary: decoding gives them back.
  const std::string text = "room 42, caf\u00E9";
  EXPECT_EQ(tok.decode(tok.encode(text, "fr")), tok.prepare(text, "fr"));
  EXPECT_EQ(tok.prepare(text, "fr"), "[fr]room 42, cafe\u0301");
  // An emoji is not: it is one [UNK], never dropped silently from the id sequence.
  const auto unk = tok.tokenizer().token_to_id("[UNK]");
  ASSERT_TRUE(unk.has_value());
  const auto with_emoji = tok.encode("a\U0001F600b", "");
  EXPECT_EQ(with_emoji.size(), 3u);
  EXPECT_EQ(with_emoji[1], *unk);
}

TEST(TokenizerMtl, EmptyTextIsTheStockSentenceBetweenStartAndStop) {
  const auto tok = load();
  const auto t = tok.text_to_tokens("", "en");
  ASSERT_GT(t.size(1), 3);
  EXPECT_EQ(t[0][0].item<int64_t>(), kStartTextToken);
  EXPECT_EQ(t[0][-1].item<int64_t>(), kStopTextToken);
  EXPECT_EQ(t[0][1].item<int64_t>(), *tok.tokenizer().token_to_id("[en]"));
}

TEST(TokenizerMtl, InvalidUtf8IsInvalidArgument) {
  EXPECT_EQ(encode_error(load(), "\xC0\xAF", "fr"), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chatterbox::text
