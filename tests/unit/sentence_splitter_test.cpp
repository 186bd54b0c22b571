// Long text into pieces for T3: sentence ends, packing, clause and space cuts, code points.

#include <gtest/gtest.h>

#include "engine/runtime/speech_budget.h"
#include "engine/text/sentence_splitter.h"

namespace chatterbox::text {
namespace {

using Pieces = std::vector<std::string>;

TEST(SentenceSplitter, ShortTextIsOnePiece) {
  EXPECT_EQ(split_for_synthesis("  Hello there. How are you?  ", 100),
            (Pieces{"Hello there. How are you?"}));
}

TEST(SentenceSplitter, BlankTextGivesNothing) {
  EXPECT_TRUE(split_for_synthesis("", 10).empty());
  EXPECT_TRUE(split_for_synthesis(" \n\t ", 10).empty());
}

TEST(SentenceSplitter, SentencesArePackedUpToTheLimit) {
  EXPECT_EQ(split_for_synthesis("One two. Three four. Five six seven eight nine.", 26),
            (Pieces{"One two. Three four.", "Five six seven eight nine."}));
}

TEST(SentenceSplitter, EndMarksQuotesAndEllipses) {
  EXPECT_EQ(split_for_synthesis("He said \"stop!\" Then left... Why?", 16),
            (Pieces{"He said \"stop!\"", "Then left...", "Why?"}));
  // A dot inside a token is no sentence end.
  EXPECT_EQ(split_for_synthesis("Version 1.5 is out.", 12), (Pieces{"Version 1.5", "is out."}));
}

TEST(SentenceSplitter, LongSentencesAreCutAtClausesThenSpaces) {
  EXPECT_EQ(split_for_synthesis("first part, second part, third part", 26),
            (Pieces{"first part, second part,", "third part"}));
  EXPECT_EQ(split_for_synthesis("aaaa bbbb cccc dddd", 10), (Pieces{"aaaa bbbb", "cccc dddd"}));
  EXPECT_EQ(split_for_synthesis("abcdefghij", 4), (Pieces{"abcd", "efgh", "ij"}));
}

TEST(SentenceSplitter, CountsCodePointsAndNeverCutsOne) {
  // Four CJK sentences of three code points (nine bytes) each.
  const std::string text =
      "\u4f60\u597d\u3002\u518d\u89c1\u3002\u8c22\u8c22\u3002\u597d\u7684\u3002";
  EXPECT_EQ(split_for_synthesis(text, 6), (Pieces{"\u4f60\u597d\u3002\u518d\u89c1\u3002",
                                                  "\u8c22\u8c22\u3002\u597d\u7684\u3002"}));
  for (const auto& piece : split_for_synthesis("\u00e9\u00e9\u00e9\u00e9\u00e9", 2))
    EXPECT_EQ(piece.size() % 2, 0u) << "a two-byte code point was cut";
}

TEST(SentenceSplitter, NothingIsLost) {
  const std::string text =
      "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! "
      "How vexingly quick daft zebras jump; the five boxing wizards jump quickly?";
  std::string joined;
  for (const auto& piece : split_for_synthesis(text, 30)) {
    EXPECT_LE(piece.size(), 30u);
    joined += (joined.empty() ? "" : " ") + piece;
  }
  EXPECT_EQ(joined, text);
}

TEST(SpeechBudget, BoundGrowsWithTheTextAndStaysUnderTheCap) {
  using runtime::speech_token_bound;
  EXPECT_EQ(speech_token_bound(""), 50);                     // two seconds of 25 tokens
  EXPECT_EQ(speech_token_bound(std::string(14, 'a')), 125);  // + 3 x one second
  EXPECT_GT(speech_token_bound("\u4f60\u597d"), speech_token_bound("ab"));
  EXPECT_EQ(speech_token_bound(std::string(5000, 'a')), 1000);
  EXPECT_EQ(runtime::default_text_chunk_chars(Variant::kTurbo), 300);
  EXPECT_EQ(runtime::default_text_chunk_chars(Variant::kOriginal), 350);
}

}  // namespace
}  // namespace chatterbox::text
