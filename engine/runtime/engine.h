#pragma once
// The engine loop of one model instance (DESIGN.md, "The serving engine"): it owns the
// instance's pipeline and device; transports only submit requests and pull their chunks. Each
// turn of the loop admits waiting requests into free T3 slots (prefill), decodes one token for
// every active slot, feeds the new tokens to each request's S3Gen stream, decodes the streams
// that have a chunk due (same voice prompt length in one batch) and hands their audio out.
// Cancellation and deadlines are checked every turn; the queue is bounded. The loop's heartbeat
// is the time it last turned or woke up idle (an idle loop wakes every kIdleHeartbeat), so a
// watchdog can tell a stuck loop from a quiet one.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/pipeline/pipeline.h"
#include "engine/runtime/engine_options.h"
#include "engine/runtime/request.h"
#include "engine/runtime/synthesis_handle.h"

namespace chatterbox::runtime {

struct EngineJob;

class Engine {
 public:
  // `device_name` is what final records and statuses report for T3 (e.g. "cuda:0").
  Engine(std::shared_ptr<const pipeline::Pipeline> pipeline, EngineOptions options,
         std::string device_name);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Validates and queues a request. Throws kInvalidArgument (bad text, options or voice),
  // kResourceExhausted (queue full), kUnavailable (shutting down).
  std::shared_ptr<SynthesisHandle> submit(SynthesisRequest request);

  int64_t queue_depth() const;     // waiting for a slot
  int64_t active_streams() const;  // admitted and not finished
  int64_t kv_cache_bytes() const;
  int64_t requests_completed() const { return completed_.load(); }
  Clock::time_point heartbeat() const;
  static constexpr std::chrono::milliseconds kIdleHeartbeat{200};
  const pipeline::Pipeline& pipeline() const { return *pipeline_; }
  const EngineOptions& options() const { return options_; }

  // Stops accepting; lets running requests finish for up to `grace`, then cancels the rest.
  void shutdown(std::chrono::milliseconds grace);

 private:
  class Loop;
  int64_t token_limit(const std::string& piece, const torch::Tensor& text_tokens,
                      const EngineJob& job, const SynthesisRequest& request) const;
  std::shared_ptr<const pipeline::Pipeline> pipeline_;
  EngineOptions options_;
  std::string device_name_;
  std::unique_ptr<Loop> loop_;
  std::atomic<int64_t> completed_{0};
};

}  // namespace chatterbox::runtime
