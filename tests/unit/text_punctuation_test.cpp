#include "engine/text/punctuation.h"

#include <gtest/gtest.h>

#include "engine/common/error.h"

namespace chatterbox::text {
namespace {

constexpr PuncVariant kAll[] = {PuncVariant::kOriginal, PuncVariant::kMultilingual,
                                PuncVariant::kTurbo};

TEST(TextPunctuation, EmptyTextBecomesTheStockSentence) {
  for (auto v : kAll) EXPECT_EQ(punc_norm("", v), std::string(kEmptyTextReplacement));
  // Whitespace only is not empty: it collapses to nothing and gets a full stop.
  for (auto v : kAll) EXPECT_EQ(punc_norm("   ", v), ".");
}

TEST(TextPunctuation, CapitalisesBeforeCollapsingWhitespace) {
  EXPECT_EQ(punc_norm(" hello", PuncVariant::kOriginal), "hello.");
  EXPECT_EQ(punc_norm("hello", PuncVariant::kOriginal), "Hello.");
  // Python's full upper-casing of the first character.
  EXPECT_EQ(punc_norm("\u00DFtra\u00DFe", PuncVariant::kOriginal), "SStra\u00DFe.");
  EXPECT_EQ(punc_norm("\u00E9t\u00E9", PuncVariant::kTurbo), "\u00C9t\u00E9.");
  EXPECT_EQ(punc_norm("\u01C6x", PuncVariant::kMultilingual), "\u01C4x.");
}

TEST(TextPunctuation, CollapsesPythonWhitespace) {
  // NBSP, em space, tab, newline and the information separators U+001C..U+001F are
  // whitespace to Python; the zero-width space is not.
  EXPECT_EQ(punc_norm("a\u00A0\u2003b\tc\n", PuncVariant::kOriginal), "A b c.");
  EXPECT_EQ(punc_norm("\x1C"
                      "a\x1F"
                      "b",
                      PuncVariant::kOriginal),
            "a b.");
  EXPECT_EQ(punc_norm("a\u200Bb", PuncVariant::kOriginal), "A\u200Bb.");
}

TEST(TextPunctuation, ReplacementsLeaveDoubleSpaces) {
  EXPECT_EQ(punc_norm("a... b", PuncVariant::kOriginal), "A,  b.");
  EXPECT_EQ(punc_norm("x - y; z", PuncVariant::kMultilingual), "X, y,  z.");
  EXPECT_EQ(punc_norm("wait ,ok", PuncVariant::kOriginal), "Wait,ok.");
  EXPECT_EQ(punc_norm("\u201CHi\u201D \u2018yo\u2019 a\u2014b\u2013c: d", PuncVariant::kOriginal),
            "\"Hi\" 'yo' a-b-c, d.");
}

TEST(TextPunctuation, TurboKeepsEllipsisDashAndSemicolon) {
  EXPECT_EQ(punc_norm("a... b", PuncVariant::kTurbo), "A... b.");
  EXPECT_EQ(punc_norm("x - y; z", PuncVariant::kTurbo), "X - y; z.");
  EXPECT_EQ(punc_norm("q\u2026", PuncVariant::kTurbo), "Q,");
}

TEST(TextPunctuation, SentenceEndersDifferPerVariant) {
  EXPECT_EQ(punc_norm("\u4F60\u597D\u3002", PuncVariant::kMultilingual), "\u4F60\u597D\u3002");
  EXPECT_EQ(punc_norm("\u4F60\u597D\u3002", PuncVariant::kOriginal), "\u4F60\u597D\u3002.");
  EXPECT_EQ(punc_norm("Ok\uFF1F", PuncVariant::kMultilingual), "Ok\uFF1F");
  EXPECT_EQ(punc_norm("Ok\uFF1F", PuncVariant::kTurbo), "Ok\uFF1F.");
  for (auto v : kAll) EXPECT_EQ(punc_norm("end -", v), "End -");
}

TEST(TextPunctuation, RejectsInvalidUtf8) {
  for (auto v : kAll) {
    try {
      punc_norm("bad \xC3(", v);
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace chatterbox::text
