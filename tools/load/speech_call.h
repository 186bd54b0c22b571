#pragma once
// One streamed synthesis a load client issues (over REST or gRPC), and what came of it: the
// shared vocabulary of chatterbox-load and chatterbox-bench http.

#include <cstdint>
#include <string>

namespace chatterbox::load {

// chatterboxd's raw pcm: s16le mono at 24 kHz.
constexpr double kPcmBytesPerSecond = 2.0 * 24000;
// The audio of one speech token (960 samples at 24 kHz), in pcm bytes.
constexpr int64_t kPcmBytesPerToken = 2 * 960;

// One sentence of typical length, what load and benchmark requests say by default.
constexpr const char* kTypicalText =
    "Chatterbox turns text into speech; this sentence is long enough to be typical.";

struct SpeechCall {
  std::string model = "nano";
  std::string voice = "alloy";  // REST: an OpenAI name speaks in the built-in voice
  std::string text;
  std::string api_key;
  int64_t max_new_tokens = 0;  // 0: the server's bound
  uint64_t seed = 1;
  double deadline_s = 0;          // 0: none; REST: X-Request-Timeout, gRPC: the call's deadline
  int64_t drop_after_bytes = -1;  // >= 0: hang up once that many audio bytes arrived
};

struct SpeechResult {
  // Empty when the stream completed (or was dropped on purpose); else its kind: "http_504",
  // "grpc_DEADLINE_EXCEEDED", "transport_Connection", "disconnect" (the server ended the stream
  // after some audio without completing it).
  std::string error;
  std::string message;        // the server's error body or the transport's words
  bool dropped = false;       // the client hung up mid-stream on purpose (drop_after_bytes)
  double first_audio_s = -1;  // from sending to the first audio byte; -1: none came
  double total_s = 0;
  int64_t audio_bytes = 0;

  bool ok() const { return error.empty() && !dropped; }
  double audio_seconds() const { return static_cast<double>(audio_bytes) / kPcmBytesPerSecond; }
};

}  // namespace chatterbox::load
