#include <memory>

#include "server/audio_stream.h"
#include "server/http/http_routes.h"
#include "server/http/http_util.h"
#include "server/http/request_deadline.h"
#include "server/sse.h"

namespace chatterbox::server::http {
namespace {

int64_t code_points(const std::string& text) {
  int64_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// One streamed response's state, kept alive by the content provider until httplib is done.
struct StreamState {
  std::shared_ptr<AudioStream> stream;
  RequestLog log;
  TransportCore* core;
  bool sse = false;
  int64_t input_tokens = 0;
  bool completed = false;
};

// Writes the whole stream into the sink; returns false (connection dropped) on a failure.
bool write_stream(StreamState& s, httplib::DataSink& sink) {
  auto write = [&](const std::string& bytes) {
    const std::string data = s.sse ? sse_audio_delta(bytes) : bytes;
    return sink.write(data.data(), data.size());
  };
  auto alive = [&] { return sink.is_writable(); };
  try {
    const StreamOutcome outcome = s.stream->run(write, alive);
    if (outcome.client_gone) {
      s.log.info("event=client_gone chunks=" + std::to_string(outcome.chunks));
      return false;
    }
    if (s.sse) {
      const std::string done = sse_audio_done({s.input_tokens, outcome.record.speech_tokens});
      sink.write(done.data(), done.size());
    }
    s.completed = true;
    s.core->finished(outcome.record, s.log);
    sink.done();
    return true;
  } catch (...) {
    const ApiError error = to_api_error(std::current_exception());
    s.log.warn("event=failed_mid_stream message=" + log_value(error.what()));
    if (!s.sse) return false;  // the client sees a truncated chunked body
    const std::string event = sse_error(error.to_json());
    sink.write(event.data(), event.size());
    sink.done();
    return true;
  }
}

void respond_streaming(httplib::Response& res, std::shared_ptr<StreamState> state,
                       const char* content_type) {
  res.set_chunked_content_provider(
      content_type, [state](size_t, httplib::DataSink& sink) { return write_stream(*state, sink); },
      [state](bool) {
        if (!state->completed) state->stream->handle().cancel();
      });
}

void respond_whole(httplib::Response& res, AudioStream& stream, const SpeechRequest& request,
                   TransportCore& core, const RequestLog& log) {
  std::string body;
  const StreamOutcome outcome = stream.run([&](const std::string& bytes) {
    body += bytes;
    return true;
  });
  core.finished(outcome.record, log);
  res.status = 200;
  res.set_content(body, audio_format_mime_type(request.format));
}

void speak(TransportCore& core, const httplib::Request& req, httplib::Response& res, bool openai) {
  const RequestLog log = request_log(req, res);
  guarded(log, res, [&] {
    const auto& limits = core.config().limits;
    const SpeechRequest request = openai ? parse_openai_speech_request(req.body, limits)
                                         : parse_native_tts_request(req.body, limits);
    const bool sse = request.stream_format == StreamFormat::kSse;
    const bool streaming = request.streamed();
    const Submission submission = core.submit(request, log, request_deadline(req));
    auto stream =
        std::make_shared<AudioStream>(submission.handle, request.format,
                                      streaming ? EncodeMode::kStream : EncodeMode::kWholeFile);
    // A failure before the first audio still gets its own status; the engine's handle is
    // cancelled if this throws.
    try {
      stream->prime();
    } catch (...) {
      submission.handle->cancel();
      throw;
    }
    res.set_header("X-Model", submission.model);
    res.set_header("X-Device", submission.device);
    res.set_header("X-Sample-Rate", std::to_string(submission.handle->sample_rate()));
    if (!streaming) return respond_whole(res, *stream, request, core, log);
    auto state = std::make_shared<StreamState>(
        StreamState{stream, log, &core, sse, code_points(request.text)});
    res.set_header("Cache-Control", "no-cache");
    respond_streaming(res, state,
                      sse ? "text/event-stream" : audio_format_mime_type(request.format));
  });
}

}  // namespace

void add_speech_routes(httplib::Server& server, TransportCore& core) {
  server.Post("/v1/audio/speech", [&core](const httplib::Request& req, httplib::Response& res) {
    speak(core, req, res, /*openai=*/true);
  });
  server.Post("/v1/tts", [&core](const httplib::Request& req, httplib::Response& res) {
    speak(core, req, res, /*openai=*/false);
  });
}

}  // namespace chatterbox::server::http
