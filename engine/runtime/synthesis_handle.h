#pragma once
// The transport's end of one request (pull-style, like piper's next()): chunks in order, then
// the end, or a typed error. Thread-safe: the engine loop pushes, one reader pulls, anyone may
// cancel.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>

#include "engine/runtime/request.h"

namespace chatterbox::runtime {

class SynthesisHandle {
 public:
  explicit SynthesisHandle(std::string request_id, int sample_rate);

  const std::string& request_id() const { return request_id_; }
  int sample_rate() const { return sample_rate_; }

  // Blocks until the next chunk; nullopt at the end of the stream. Throws chatterbox::Error
  // when the request failed (kCancelled after cancel(), kUnavailable past its deadline, ...).
  std::optional<AudioChunk> next();
  // As next(), waiting at most `timeout`; `timed_out` tells a wait that ran out apart from the end.
  std::optional<AudioChunk> next_for(std::chrono::milliseconds timeout, bool& timed_out);

  // The engine frees the request's slot at its next step.
  void cancel();
  bool cancelled() const;

  // Valid once next() has returned nullopt.
  FinalRecord final_record() const;

  // Engine side.
  void push(AudioChunk chunk);
  void finish(FinalRecord record);
  void fail(std::exception_ptr error);
  bool closed() const;

 private:
  std::string request_id_;
  int sample_rate_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<AudioChunk> chunks_;
  bool finished_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
  FinalRecord record_;
};

}  // namespace chatterbox::runtime
