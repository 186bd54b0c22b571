#pragma once
// Server-Sent Events for `stream_format: "sse"` of POST /v1/audio/speech (OpenAI): each audio
// piece as {"type":"speech.audio.delta","audio":"<base64>"}, then
// {"type":"speech.audio.done","usage":{"input_tokens","output_tokens","total_tokens"}}.
// Each event is one `data:` line ended by a blank line.

#include <cstdint>
#include <string>
#include <string_view>

namespace chatterbox::server {

struct SpeechUsage {
  int64_t input_tokens = 0;   // text tokens (or characters where the text was not tokenized)
  int64_t output_tokens = 0;  // speech tokens
};

// `event`: optional SSE event name (an "event:" line); OpenAI's stream sends none.
std::string sse_event(std::string_view data, std::string_view event = "");
std::string sse_audio_delta(std::string_view audio_bytes);
std::string sse_audio_done(const SpeechUsage& usage);
// {"type":"error","error":{...}}: a failure after the stream started (headers already sent).
std::string sse_error(std::string_view error_json);
// "data: [DONE]": a terminator some clients expect (audio.cpp's convention); optional.
std::string sse_done_marker();

}  // namespace chatterbox::server
