#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "server/base64.h"
#include "server/sse.h"

namespace chatterbox::server {
namespace {

TEST(Base64, EncodesTheRfcVectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Base64, DecodesWhatItEncodesAndDataUrls) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n < 10; ++n)
    EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))), all.substr(0, n));
  EXPECT_EQ(base64_decode(base64_encode(all)), all);
  EXPECT_EQ(base64_decode("Zm9v\nYmE="), "fooba");
  EXPECT_EQ(base64_decode("Zm9vYmE"), "fooba");  // unpadded
  EXPECT_EQ(base64_decode("data:audio/wav;base64,Zm9v"), "foo");
  EXPECT_GE(base64_decoded_size("Zm9vYmFy"), 6u);
}

TEST(Base64, RefusesMalformedInput) {
  for (const char* bad : {"Zm9v!", "Z", "Zm9vY", "Zg=a", "Zg===", "Z==="}) {
    try {
      base64_decode(bad, "reference_audio");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << bad;
      EXPECT_NE(std::string(e.what()).find("reference_audio"), std::string::npos);
    }
  }
}

TEST(Sse, FramesAudioDeltasAndTheDoneEvent) {
  EXPECT_EQ(sse_audio_delta("foo"),
            "data: {\"audio\":\"Zm9v\",\"type\":\"speech.audio.delta\"}\n\n");
  const std::string done = sse_audio_done({12, 30});
  ASSERT_EQ(done.substr(0, 6), "data: ");
  ASSERT_EQ(done.substr(done.size() - 2), "\n\n");
  const auto j = nlohmann::json::parse(done.substr(6, done.size() - 8));
  EXPECT_EQ(j["type"], "speech.audio.done");
  EXPECT_EQ(j["usage"]["input_tokens"], 12);
  EXPECT_EQ(j["usage"]["output_tokens"], 30);
  EXPECT_EQ(j["usage"]["total_tokens"], 42);
  EXPECT_EQ(sse_done_marker(), "data: [DONE]\n\n");
}

TEST(Sse, SplitsMultilineDataAndNamesEvents) {
  EXPECT_EQ(sse_event("a\nb", "ping"), "event: ping\ndata: a\ndata: b\n\n");
  const std::string error = sse_error(R"({"error":{"message":"busy","type":"rate_limit_error"}})");
  EXPECT_EQ(
      error,
      "data: "
      "{\"error\":{\"message\":\"busy\",\"type\":\"rate_limit_error\"},\"type\":\"error\"}\n\n");
}

}  // namespace
}  // namespace chatterbox::server
