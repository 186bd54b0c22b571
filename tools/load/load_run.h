#pragma once
// The load itself: options.clients threads, each issuing requests back to back until the
// duration is over (or the request bound is reached), a fraction of them hanging up mid-stream.

#include <functional>
#include <vector>

#include "tools/load/load_options.h"
#include "tools/load/speech_call.h"

namespace chatterbox::load {

// One client's way to the server (a channel of its own for gRPC).
using Speaker = std::function<SpeechResult(const SpeechCall&)>;
Speaker make_speaker(const LoadOptions& options);

struct LoadRun {
  std::vector<SpeechResult> results;
  double wall_s = 0;
};

LoadRun run_load(const LoadOptions& options);

}  // namespace chatterbox::load
