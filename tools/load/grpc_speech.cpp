#include "tools/load/grpc_speech.h"

#include <chrono>

#include "proto/status_code_name.h"

namespace chatterbox::load {
namespace {

using Clock = std::chrono::steady_clock;

v1::SynthesizeRequest request_of(const SpeechCall& call) {
  v1::SynthesizeRequest r;
  r.set_model(call.model);
  r.set_text(call.text);
  r.set_voice(call.voice);
  r.set_format(v1::AUDIO_FORMAT_PCM);
  r.set_seed(call.seed);
  if (call.max_new_tokens > 0) r.set_max_new_tokens(call.max_new_tokens);
  return r;
}

void set_up(grpc::ClientContext& context, const SpeechCall& call) {
  if (!call.api_key.empty()) context.AddMetadata("authorization", "Bearer " + call.api_key);
  const double seconds = call.deadline_s > 0 ? call.deadline_s : 600;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000)));
}

}  // namespace

SpeechResult grpc_speech(v1::TextToSpeech::Stub& stub, const SpeechCall& call) {
  grpc::ClientContext context;
  set_up(context, call);
  SpeechResult r;
  const auto start = Clock::now();
  auto reader = stub.Synthesize(&context, request_of(call));
  v1::SynthesizeResponse message;
  bool finished = false;
  while (reader->Read(&message)) {
    if (message.has_statistics()) finished = true;
    if (message.message_case() != v1::SynthesizeResponse::kAudio) continue;
    if (r.audio_bytes == 0)
      r.first_audio_s = std::chrono::duration<double>(Clock::now() - start).count();
    r.audio_bytes += static_cast<int64_t>(message.audio().size());
    if (call.drop_after_bytes >= 0 && r.audio_bytes >= call.drop_after_bytes) {
      r.dropped = true;
      context.TryCancel();
      break;
    }
  }
  const grpc::Status status = reader->Finish();
  r.total_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (r.dropped) return r;
  if (!status.ok()) {
    r.error = std::string("grpc_") + proto::status_code_name(status.error_code());
    r.message = status.error_message();
  } else if (!finished) {
    r.error = "disconnect";
    r.message = "the stream ended without its statistics";
  }
  return r;
}

}  // namespace chatterbox::load
