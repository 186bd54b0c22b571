#pragma once
// Between the gRPC messages (proto/chatterbox/v1/tts.proto) and the server's and engine's plain
// types. A SynthesizeRequest is validated exactly as the REST body is (same fields, same limits,
// same ApiError refusals); the status and statistics are copied field by field.

#include "chatterbox/v1/tts.pb.h"
#include "server/audio_format.h"
#include "server/speech_request.h"
#include "server/voice_library.h"

namespace chatterbox::runtime {
struct FinalRecord;
struct InstanceStatus;
}  // namespace chatterbox::runtime

namespace chatterbox::server {

// UNSPECIFIED is wav.
AudioFormat from_proto(v1::AudioFormat format);
v1::AudioFormat to_proto(AudioFormat format);

// Throws ApiError like parse_native_tts_request; stream is true (gRPC always streams).
SpeechRequest from_proto(const v1::SynthesizeRequest& request, const RequestLimits& limits = {});

void to_proto(const runtime::FinalRecord& record, v1::SynthesisStatistics* out);
void to_proto(const runtime::InstanceStatus& status, v1::InstanceStatus* out);
void to_proto(const VoiceInfo& voice, v1::Voice* out);

}  // namespace chatterbox::server
