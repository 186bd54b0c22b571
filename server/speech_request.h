#pragma once
// The REST bodies of a synthesis, parsed and validated into what the engine takes:
//   POST /v1/audio/speech  OpenAI's speech API (model, input, voice, response_format, speed,
//                          stream_format) plus the Chatterbox options;
//   POST /v1/tts           the native form: the same options, `text`, and an optional base64
//                          reference clip instead of a stored voice.
// Every refusal is an ApiError (400 malformed, 413 too large, 422 unacceptable value) naming the
// field. Resolving the model and voice names is left to the caller (404 there).

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "engine/pipeline/pipeline.h"
#include "server/audio_format.h"

namespace chatterbox::server {

enum class StreamFormat { kAudio, kSse };

struct SpeechRequest {
  std::string model;     // as given; empty: the server's default model
  std::string text;      // valid UTF-8, not blank
  std::string language;  // lower case; empty: the model's default
  // A voice-library name, or one of OpenAI's built-in names (is_openai_builtin_voice), or empty:
  // the checkpoint's built-in voice.
  std::string voice;
  std::string reference_clip;  // decoded bytes of an uploaded clip (native only)
  AudioFormat format = AudioFormat::kWav;
  StreamFormat stream_format = StreamFormat::kAudio;
  // Send audio as it is made (chunked), a WAV with unknown-length sizes; false: one whole file.
  bool stream = false;
  pipeline::SynthesisOptions options;

  // Audio leaves as it is made (chunked audio or SSE events); else the reply is one whole file.
  bool streamed() const { return stream || stream_format == StreamFormat::kSse; }
};

struct RequestLimits {
  size_t max_body_bytes = 32u << 20;
  size_t max_input_chars = 4096;  // code points, OpenAI's limit
  size_t max_reference_bytes = 20u << 20;
};

// Defaults: response_format mp3, stream true (OpenAI streams its audio), speed 1.0 only.
SpeechRequest parse_openai_speech_request(std::string_view body, const RequestLimits& limits = {});
// Defaults: format wav, stream false.
SpeechRequest parse_native_tts_request(std::string_view body, const RequestLimits& limits = {});
// The same from an object already parsed (the gRPC request, converted field by field, goes
// through here so that both transports validate alike).
SpeechRequest parse_native_tts_object(const nlohmann::json& object,
                                      const RequestLimits& limits = {});

// alloy, ash, ballad, coral, echo, fable, onyx, nova, sage, shimmer, verse, marin, cedar.
bool is_openai_builtin_voice(std::string_view name);

}  // namespace chatterbox::server
