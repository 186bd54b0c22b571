#include "server/speech_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/api_error.h"
#include "server/base64.h"

namespace chatterbox::server {
namespace {

using json = nlohmann::json;

struct Refusal {
  int status = 0;
  std::string code, param, message;
};

Refusal refusal(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const ApiError& e) {
    return {e.http_status(), e.code(), e.param(), e.what()};
  }
  return {};
}

Refusal openai_refusal(const std::string& body, const RequestLimits& limits = {}) {
  return refusal([&] { parse_openai_speech_request(body, limits); });
}

Refusal openai_patch_refusal(json patch) {
  json body = {{"model", "turbo"}, {"input", "Hello there."}, {"voice", "alloy"}};
  body.merge_patch(patch);
  return openai_refusal(body.dump());
}

Refusal native_refusal(json patch, const RequestLimits& limits = {}) {
  json body = {{"text", "Hello there."}};
  body.merge_patch(patch);
  return refusal([&] { parse_native_tts_request(body.dump(), limits); });
}

TEST(SpeechRequest, AcceptsAFullOpenAiRequest) {
  const json body = {{"model", "turbo"},
                     {"input", "Bonjour, ça va ?"},
                     {"voice", {{"id", "narrator_1"}}},
                     {"response_format", "opus"},
                     {"speed", 1.0},
                     {"stream_format", "sse"},
                     {"exaggeration", 0.7},
                     {"cfg_weight", 0.3},
                     {"temperature", 0.8},
                     {"top_p", 0.95},
                     {"min_p", 0.05},
                     {"top_k", 1000},
                     {"repetition_penalty", 1.2},
                     {"seed", 18446744073709551615ull},
                     {"language", "FR"},
                     {"max_new_tokens", 500},
                     {"user", "ignored extra field"}};
  const SpeechRequest r = parse_openai_speech_request(body.dump());
  EXPECT_EQ(r.model, "turbo");
  EXPECT_EQ(r.text, "Bonjour, ça va ?");
  EXPECT_EQ(r.voice, "narrator_1");
  EXPECT_EQ(r.format, AudioFormat::kOpus);
  EXPECT_EQ(r.stream_format, StreamFormat::kSse);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.language, "fr");
  EXPECT_DOUBLE_EQ(*r.options.exaggeration, 0.7);
  EXPECT_DOUBLE_EQ(*r.options.cfg_weight, 0.3);
  EXPECT_DOUBLE_EQ(*r.options.temperature, 0.8);
  EXPECT_DOUBLE_EQ(*r.options.top_p, 0.95);
  EXPECT_DOUBLE_EQ(*r.options.min_p, 0.05);
  EXPECT_EQ(*r.options.top_k, 1000);
  EXPECT_DOUBLE_EQ(*r.options.repetition_penalty, 1.2);
  EXPECT_EQ(*r.options.seed, 18446744073709551615ull);
  EXPECT_EQ(*r.options.max_new_tokens, 500);
}

TEST(SpeechRequest, OpenAiDefaults) {
  const SpeechRequest r =
      parse_openai_speech_request(R"({"model":"tts-1","input":"Hi","voice":"alloy","seed":null})");
  EXPECT_EQ(r.format, AudioFormat::kMp3);
  EXPECT_EQ(r.stream_format, StreamFormat::kAudio);
  EXPECT_EQ(r.voice, "alloy");
  EXPECT_TRUE(is_openai_builtin_voice(r.voice));
  EXPECT_FALSE(r.options.temperature.has_value());
  EXPECT_FALSE(r.options.seed.has_value());  // null is absent
  EXPECT_TRUE(r.language.empty());
}

TEST(SpeechRequest, RefusesMalformedBodiesWith400) {
  // A number beyond a double is nlohmann's out_of_range, not a parse_error (found by fuzzing).
  for (const char* body : {"", "{", "[1, 2]", "\"text\"", "{\"model\": \"t\",}",
                           "{\"model\": \"t\", \"seed\": 1e446744}"}) {
    const Refusal r = openai_refusal(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.code, "invalid_json") << body;
  }
  const Refusal utf8 = openai_refusal(std::string("{\"model\":\"t\",\"input\":\"caf\xE9\"}"));
  EXPECT_EQ(utf8.status, 400);
  EXPECT_EQ(utf8.code, "invalid_utf8");
  // A lone surrogate escape is not text either.
  EXPECT_EQ(openai_refusal(R"({"model":"t","input":"\ud800"})").status, 400);
}

TEST(SpeechRequest, RefusesMissingFieldsAndWrongTypesWith400) {
  EXPECT_EQ(openai_refusal(R"({"input":"hi"})").code, "missing_field");
  EXPECT_EQ(openai_refusal(R"({"model":"t"})").param, "input");
  const std::vector<std::pair<json, std::string>> wrong = {
      {{{"input", 5}}, "input"},
      {{{"model", true}}, "model"},
      {{{"voice", 3}}, "voice"},
      {{{"voice", json::object()}}, "id"},
      {{{"temperature", "hot"}}, "temperature"},
      {{{"top_k", 2.5}}, "top_k"},
      {{{"seed", "7"}}, "seed"},
      {{{"seed", 1.5}}, "seed"},
      {{{"speed", true}}, "speed"},
      {{{"response_format", 1}}, "response_format"},
      {{{"stream", "yes"}}, "stream"},
      {{{"language", 1}}, "language"},
  };
  for (const auto& [patch, param] : wrong) {
    const Refusal r = openai_patch_refusal(patch);
    EXPECT_EQ(r.status, 400) << patch.dump();
    EXPECT_EQ(r.param, param) << patch.dump();
  }
}

TEST(SpeechRequest, RefusesOutOfRangeValuesWith422) {
  const std::vector<json> patches = {
      {{"temperature", 0}},
      {{"temperature", 5.5}},
      {{"top_p", 0}},
      {{"top_p", 1.01}},
      {{"min_p", -0.1}},
      {{"top_k", -1}},
      {{"exaggeration", 2.5}},
      {{"cfg_weight", -1}},
      {{"repetition_penalty", 0}},
      {{"max_new_tokens", 0}},
      {{"max_new_tokens", 100000}},
      {{"seed", -1}},
      {{"speed", 0.1}},
      {{"speed", 4.5}},
      {{"top_k", 1e30}},
  };
  for (const auto& patch : patches) {
    const Refusal r = openai_patch_refusal(patch);
    EXPECT_EQ(r.status, 422) << patch.dump();
    EXPECT_EQ(r.code, "out_of_range") << patch.dump();
    EXPECT_EQ(r.param, patch.begin().key());
    EXPECT_NE(r.message.find(patch.begin().key()), std::string::npos) << r.message;
  }
  EXPECT_NO_THROW(parse_openai_speech_request(
      R"({"model":"t","input":"x","top_k":0,"temperature":5,"top_p":1,"seed":0,"max_new_tokens":8192})"));
}

TEST(SpeechRequest, RefusesUnsupportedChoicesWith422) {
  const Refusal speed = openai_patch_refusal({{"speed", 1.5}});
  EXPECT_EQ(speed.status, 400);
  EXPECT_EQ(speed.code, "unsupported_speed");
  EXPECT_NE(speed.message.find("1.0"), std::string::npos);
  const Refusal aac = openai_patch_refusal({{"response_format", "aac"}});
  EXPECT_EQ(aac.status, 400);
  EXPECT_EQ(aac.param, "response_format");
  EXPECT_NE(aac.message.find("wav, pcm, flac, mp3, opus"), std::string::npos) << aac.message;
  EXPECT_EQ(openai_patch_refusal({{"stream_format", "chunks"}}).param, "stream_format");
  EXPECT_EQ(openai_patch_refusal({{"instructions", "whisper"}}).code, "unsupported_parameter");
  EXPECT_EQ(openai_patch_refusal({{"voice", "../etc/passwd"}}).param, "voice");
  EXPECT_EQ(openai_patch_refusal({{"language", "e n"}}).param, "language");
}

TEST(SpeechRequest, RefusesEmptyAndHugeInput) {
  const Refusal empty = openai_patch_refusal({{"input", " \n\t"}});
  EXPECT_EQ(empty.status, 422);
  EXPECT_EQ(empty.code, "empty_input");
  RequestLimits limits;
  limits.max_input_chars = 5;
  const auto body = [](const std::string& input) {
    return json{{"model", "t"}, {"input", input}}.dump();
  };
  EXPECT_NO_THROW(parse_openai_speech_request(body("héllo"), limits));  // 5 characters, 6 bytes
  const Refusal huge = openai_refusal(body("héllo!"), limits);
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.code, "input_too_long");
  limits.max_body_bytes = 10;
  EXPECT_EQ(openai_refusal(body("hi"), limits).code, "body_too_large");
}

TEST(SpeechRequest, AcceptsANativeRequestWithAReferenceClip) {
  const std::string clip("RIFF\x00\x01\x02 wav bytes", 18);
  const json body = {
      {"text", "Hello."}, {"model", "original"}, {"reference_audio", base64_encode(clip)},
      {"format", "flac"}, {"stream", true},      {"cfg_weight", 0.5},
      {"lang_code", "en"}};
  const SpeechRequest r = parse_native_tts_request(body.dump());
  EXPECT_EQ(r.text, "Hello.");
  EXPECT_EQ(r.model, "original");
  EXPECT_EQ(r.reference_clip, clip);
  EXPECT_TRUE(r.voice.empty());
  EXPECT_EQ(r.format, AudioFormat::kFlac);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.language, "en");
  EXPECT_DOUBLE_EQ(*r.options.cfg_weight, 0.5);
  const SpeechRequest plain = parse_native_tts_request(R"({"text":"Hi","voice":"v1"})");
  EXPECT_EQ(plain.format, AudioFormat::kWav);
  EXPECT_FALSE(plain.stream);
  EXPECT_EQ(plain.voice, "v1");
}

TEST(SpeechRequest, RefusesBadNativeRequests) {
  EXPECT_EQ(native_refusal({{"text", nullptr}}).code, "missing_field");
  EXPECT_EQ(native_refusal({{"reference_audio", "!!!"}}).code, "invalid_base64");
  EXPECT_EQ(native_refusal({{"reference_audio", ""}}).code, "empty_input");
  EXPECT_EQ(native_refusal({{"reference_audio", "Zm9v"}, {"voice", "v"}}).code,
            "conflicting_fields");
  RequestLimits limits;
  limits.max_reference_bytes = 4;
  const Refusal big = native_refusal({{"reference_audio", base64_encode("0123456789")}}, limits);
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.param, "reference_audio");
  EXPECT_EQ(native_refusal({{"format", "ogg"}}).status,
            400);  // a format this build does not encode
  EXPECT_EQ(native_refusal({{"temperature", -1}}).status, 422);
}

TEST(ApiError, MapsEngineErrorsToHttpAndGrpc) {
  EXPECT_EQ(http_status_for(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status_for(ErrorCode::kNotFound), 404);
  EXPECT_EQ(http_status_for(ErrorCode::kCorruptData), 422);
  EXPECT_EQ(http_status_for(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(http_status_for(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(http_status_for(ErrorCode::kInternal), 500);
  EXPECT_EQ(grpc_status_for(ErrorCode::kInvalidArgument), 3);
  EXPECT_EQ(grpc_status_for(ErrorCode::kNotFound), 5);
  EXPECT_EQ(grpc_status_for(ErrorCode::kResourceExhausted), 8);
  EXPECT_EQ(grpc_status_for(ErrorCode::kUnsupported), 12);
  EXPECT_EQ(grpc_status_for(ErrorCode::kUnavailable), 14);
  EXPECT_EQ(grpc_status_for(ErrorCode::kCancelled), 1);
  EXPECT_EQ(grpc_status_for_http(413), 3);
  EXPECT_EQ(grpc_status_for_http(429), 8);
}

TEST(ApiError, WritesOpenAiErrorJson) {
  const ApiError busy =
      to_api_error(std::make_exception_ptr(Error(ErrorCode::kResourceExhausted, "queue full")));
  EXPECT_EQ(busy.http_status(), 429);
  EXPECT_EQ(json::parse(busy.to_json()),
            json::parse(R"({"error":{"message":"queue full","type":"rate_limit_error",
                             "param":null,"code":"resource_exhausted"}})"));
  const ApiError bad(422, "out_of_range", "'top_p' must be in (0, 1]", "top_p");
  EXPECT_EQ(json::parse(bad.to_json())["error"]["param"], "top_p");
  EXPECT_EQ(json::parse(bad.to_json())["error"]["type"], "invalid_request_error");
  const ApiError other = to_api_error(std::make_exception_ptr(std::runtime_error("boom")));
  EXPECT_EQ(other.http_status(), 500);
  EXPECT_EQ(other.type(), "server_error");
  const ApiError raw(400, "x", std::string("bad \xff byte"));
  EXPECT_NO_THROW(json::parse(raw.to_json()));
}

}  // namespace
}  // namespace chatterbox::server
