#pragma once
// One chatterbox.v1 Synthesize stream in raw pcm against a running chatterboxd, timed from the
// call to its first audio message and to its end. Never throws for what the server or the
// network does: that is the result's error ("grpc_<CODE>", "disconnect").

#include <grpcpp/grpcpp.h>

#include <memory>

#include "chatterbox/v1/tts.grpc.pb.h"
#include "tools/load/speech_call.h"

namespace chatterbox::load {

SpeechResult grpc_speech(v1::TextToSpeech::Stub& stub, const SpeechCall& call);

}  // namespace chatterbox::load
