#pragma once
// Concurrent streaming requests against anything that takes a SynthesisRequest (an Engine, the
// Registry): all submitted at once, each drained on its own thread, and the figures of the
// engine and replica tables.

#include <functional>
#include <memory>
#include <string>

#include "engine/pipeline/conditionals.h"
#include "engine/runtime/request.h"
#include "engine/runtime/synthesis_handle.h"

namespace chatterbox::bench {

struct StreamFigures {
  double ttfa_mean = 0, ttfa_p50 = 0, ttfa_p99 = 0, ttfa_max = 0;
  double rtf_mean = 0, t3_tokens_per_s = 0, aggregate_x = 0;
};

using Submit =
    std::function<std::shared_ptr<runtime::SynthesisHandle>(runtime::SynthesisRequest request)>;

// `concurrency` requests of `tokens` speech tokens each (seeds 1..N), in `voice` (null: the
// built-in one); `streaming` false: requests that take their audio whole (one S3Gen pass).
StreamFigures measure_streams(const Submit& submit, const std::string& text,
                              const std::shared_ptr<const pipeline::Conditionals>& voice,
                              int64_t concurrency, int64_t tokens, bool streaming = true);

}  // namespace chatterbox::bench
