// Turbo/Nano front end on the synthetic GPT-2 file set of the goldens: paralinguistic tags as
// single ids, lossless byte-level round trips, <|endoftext|>, truncation, bad input.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/text/turbo_tokenizer.h"
#include "tests/support/golden.h"

namespace chatterbox::text {
namespace {

TurboTokenizer load() {
  return TurboTokenizer::from_directory(testing::goldens_dir() + "/turbo_tokenizer", false);
}

TEST(TokenizerTurbo, TheNineteenTagsAreSingleIdsAfterEndOfText) {
  const auto tok = load();
  EXPECT_EQ(tok.tokenizer().token_to_id("<|endoftext|>").value(), 50256);
  const std::vector<std::string> tags = {
      "[angry]",        "[fear]",      "[surprised]", "[whispering]", "[advertisement]",
      "[dramatic]",     "[narration]", "[crying]",    "[happy]",      "[sarcastic]",
      "[clear throat]", "[sigh]",      "[shush]",     "[cough]",      "[groan]",
      "[sniff]",        "[gasp]",      "[chuckle]",   "[laugh]"};
  for (size_t i = 0; i < tags.size(); ++i) {
    EXPECT_EQ(tok.encode(tags[i], ""), (std::vector<int64_t>{50257 + static_cast<int64_t>(i)}))
        << tags[i];
  }
  EXPECT_EQ(tok.encode("x<|endoftext|>", "").back(), 50256);
}

TEST(TokenizerTurbo, SpaceBeforeATagIsItsOwnToken) {
  const auto tok = load();
  const auto ids = tok.encode("Hi [laugh] there", "");
  ASSERT_GE(ids.size(), 3u);
  const auto tag = std::find(ids.begin(), ids.end(), 50275);
  ASSERT_NE(tag, ids.end());
  ASSERT_NE(tag, ids.begin());
  EXPECT_EQ(tok.decode({*(tag - 1)}), " ");          // the "Ġ" before the tag
  EXPECT_EQ(tok.decode({*(tag + 1)}).front(), ' ');  // the next word carries its space
}

TEST(TokenizerTurbo, ByteLevelRoundTripsAnyText) {
  const auto tok = load();
  for (std::string s :
       {"I can't believe it... [laugh] Really? 42 times!",
        "caf\u00E9 na\u00EFve \U0001F600 \u4E2D\u6587 \u0645\u0631\u062D\u0628\u0627",
        "  tabs\tand\n\nnewlines  ", "[clear throat]x[sigh][sigh]", ""}) {
    EXPECT_EQ(tok.decode(tok.encode(s, "")), s);
  }
}

TEST(TokenizerTurbo, BytesOutsideTheMergesStillEncode) {
  const auto tok = load();
  // The emoji's four bytes have no merges: four byte tokens, each < 256 entries of the
  // byte alphabet. Half of them decode to a replacement character, not to garbage bytes.
  const auto ids = tok.encode("\U0001F600", "");
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(tok.decode({ids[0], ids[1]}), "\uFFFD");
}

TEST(TokenizerTurbo, TruncatesAtModelMaxLength) {
  const TurboTokenizer tok(load().tokenizer(), 3);
  EXPECT_EQ(tok.encode("one two three four five", "").size(), 3u);
  EXPECT_EQ(tok.text_to_tokens("one two three four five", "").sizes(),
            (std::vector<int64_t>{1, 3}));
}

TEST(TokenizerTurbo, EmptyTextIsTheStockSentenceWithoutStartStop) {
  const auto tok = load();
  const auto t = tok.text_to_tokens("", "");
  EXPECT_EQ(
      tok.decode(std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel())),
      "You need to add some text for me to talk.");
}

TEST(TokenizerTurbo, InvalidUtf8IsInvalidArgument) {
  try {
    load().encode("\xE0\x80\x80", "");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

TEST(TokenizerTurbo, FactoryPrefersTokenizerJsonLikeAutoTokenizer) {
  const auto tok =
      load_text_tokenizer(TextVariant::kTurbo, testing::goldens_dir() + "/turbo_tokenizer");
  EXPECT_EQ(tok->variant(), TextVariant::kTurbo);
  EXPECT_EQ(tok->encode("Hi [sigh].", ""), load().encode("Hi [sigh].", ""));
}

}  // namespace
}  // namespace chatterbox::text
