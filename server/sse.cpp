#include "server/sse.h"

#include <nlohmann/json.hpp>

#include "server/base64.h"

namespace chatterbox::server {

std::string sse_event(std::string_view data, std::string_view event) {
  std::string out;
  if (!event.empty()) out += "event: " + std::string(event) + "\n";
  // A line break inside the data would end the field: each line becomes its own data: line.
  size_t start = 0;
  while (true) {
    const size_t end = data.find('\n', start);
    out += "data: ";
    out += data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += "\n";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out += "\n";
  return out;
}

std::string sse_audio_delta(std::string_view audio_bytes) {
  const nlohmann::json delta = {{"type", "speech.audio.delta"},
                                {"audio", base64_encode(audio_bytes)}};
  return sse_event(delta.dump());
}

std::string sse_audio_done(const SpeechUsage& usage) {
  const nlohmann::json done = {{"type", "speech.audio.done"},
                               {"usage",
                                {{"input_tokens", usage.input_tokens},
                                 {"output_tokens", usage.output_tokens},
                                 {"total_tokens", usage.input_tokens + usage.output_tokens}}}};
  return sse_event(done.dump());
}

std::string sse_error(std::string_view error_json) {
  nlohmann::json body = nlohmann::json::parse(error_json, nullptr, false);
  nlohmann::json event = {{"type", "error"}};
  event["error"] = body.is_object() && body.contains("error") ? body["error"] : body;
  return sse_event(event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string sse_done_marker() {
  return sse_event("[DONE]");
}

}  // namespace chatterbox::server
