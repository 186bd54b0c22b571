#pragma once
// One streamed POST /v1/audio/speech in raw pcm against a running chatterboxd, timed from the
// request to its first audio byte and to its last. Never throws for what the server or the
// network does: that is the result's error.

#include <string>

#include "tools/load/speech_call.h"

namespace chatterbox::load {

// url: "http://127.0.0.1:8000".
SpeechResult http_speech(const std::string& url, const SpeechCall& call);

// The body of GET <url><path> ("" when it cannot be fetched).
std::string http_get(const std::string& url, const std::string& path);

}  // namespace chatterbox::load
