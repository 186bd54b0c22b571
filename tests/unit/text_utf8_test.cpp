#include "engine/text/utf8.h"

#include <gtest/gtest.h>

#include "engine/common/error.h"

namespace chatterbox::text {
namespace {

ErrorCode decode_error(const std::string& bytes, std::string* message = nullptr) {
  try {
    utf8_decode(bytes, "request text");
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ErrorCode::kInternal;
}

TEST(TextUtf8, RoundTripsEveryEncodingLength) {
  const std::u32string cps = {U'a', 0xE9, 0x20AC, 0x1F600, 0x10FFFF};
  const std::string utf8 = utf8_encode(cps);
  EXPECT_EQ(utf8, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  EXPECT_EQ(utf8_decode(utf8), cps);
  EXPECT_TRUE(is_valid_utf8(utf8));
}

TEST(TextUtf8, RejectsMalformedSequencesWithTheirOffset) {
  std::string message;
  EXPECT_EQ(decode_error("ok\xC0\x80", &message), ErrorCode::kInvalidArgument);  // overlong
  EXPECT_NE(message.find("request text"), std::string::npos) << message;
  EXPECT_NE(message.find("byte 2"), std::string::npos) << message;
  EXPECT_EQ(decode_error("\xED\xA0\x80"), ErrorCode::kInvalidArgument);      // surrogate
  EXPECT_EQ(decode_error("\xE2\x82"), ErrorCode::kInvalidArgument);          // truncated
  EXPECT_EQ(decode_error("\x80"), ErrorCode::kInvalidArgument);              // stray continuation
  EXPECT_EQ(decode_error("\xF4\x90\x80\x80"), ErrorCode::kInvalidArgument);  // > U+10FFFF
  EXPECT_EQ(decode_error("\xFF"), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(is_valid_utf8("a\xE2\x28\xA1"));
}

TEST(TextUtf8, LossyConversionReplacesEachBrokenPieceOnce) {
  EXPECT_EQ(utf8_lossy("a\xF0\x9F\x98"), "a\uFFFD");            // a truncated emoji is one piece
  EXPECT_EQ(utf8_lossy("\x80\x80"), "\uFFFD\uFFFD");            // two stray bytes are two
  EXPECT_EQ(utf8_lossy("\xE2\x82\xAC!"), "\xE2\x82\xAC!");      // valid text is kept
  EXPECT_EQ(utf8_lossy("\xED\xA0\x80"), "\uFFFD\uFFFD\uFFFD");  // surrogates: byte by byte
}

}  // namespace
}  // namespace chatterbox::text
