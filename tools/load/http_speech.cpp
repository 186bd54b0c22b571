#include "tools/load/http_speech.h"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace chatterbox::load {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

httplib::Request speech_request(const SpeechCall& call) {
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/audio/speech";
  if (!call.api_key.empty()) req.headers.emplace("Authorization", "Bearer " + call.api_key);
  if (call.deadline_s > 0) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.3f", call.deadline_s);
    req.headers.emplace("X-Request-Timeout", seconds);
  }
  req.headers.emplace("Content-Type", "application/json");
  nlohmann::json body = {{"model", call.model},      {"input", call.text}, {"voice", call.voice},
                         {"response_format", "pcm"}, {"seed", call.seed},  {"stream", true}};
  if (call.max_new_tokens > 0) body["max_new_tokens"] = call.max_new_tokens;
  req.body = body.dump();
  return req;
}

// What an httplib failure was: a hang-up of ours, the server ending a stream it had begun, or
// a transport error.
void classify_failure(httplib::Error error, SpeechResult& r) {
  if (error == httplib::Error::Canceled && r.dropped) return;
  const std::string what = httplib::to_string(error);
  r.error = r.audio_bytes > 0 ? "disconnect" : "transport_" + what;
  char when[64];
  std::snprintf(when, sizeof(when), " after %.1f s, %lld audio bytes", r.total_s,
                static_cast<long long>(r.audio_bytes));
  r.message = what + when;
}

}  // namespace

SpeechResult http_speech(const std::string& url, const SpeechCall& call) {
  httplib::Client client(url);
  client.set_read_timeout(600, 0);
  httplib::Request req = speech_request(call);
  SpeechResult r;
  std::string error_body;
  int status = 0;
  const auto start = Clock::now();
  req.response_handler = [&](const httplib::Response& response) {
    status = response.status;
    return true;
  };
  req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
    if (status != 200) {
      error_body.append(data, n);
      return true;
    }
    if (r.audio_bytes == 0 && n > 0) r.first_audio_s = since(start);
    r.audio_bytes += static_cast<int64_t>(n);
    if (call.drop_after_bytes >= 0 && r.audio_bytes >= call.drop_after_bytes) {
      r.dropped = true;
      return false;  // httplib closes the connection mid-stream
    }
    return true;
  };
  const auto result = client.send(req);
  r.total_s = since(start);
  if (!result) {
    classify_failure(result.error(), r);
  } else if (result->status != 200) {
    r.error = "http_" + std::to_string(result->status);
    r.message = error_body;
  }
  return r;
}

std::string http_get(const std::string& url, const std::string& path) {
  httplib::Client client(url);
  client.set_read_timeout(30, 0);
  const auto result = client.Get(path);
  return result && result->status == 200 ? result->body : "";
}

}  // namespace chatterbox::load
