#include "engine/runtime/synthesis_handle.h"

#include "engine/common/error.h"

namespace chatterbox::runtime {

SynthesisHandle::SynthesisHandle(std::string request_id, int sample_rate)
    : request_id_(std::move(request_id)), sample_rate_(sample_rate) {}

std::optional<AudioChunk> SynthesisHandle::next() {
  bool timed_out = false;
  return next_for(std::chrono::milliseconds::max(), timed_out);
}

std::optional<AudioChunk> SynthesisHandle::next_for(std::chrono::milliseconds timeout,
                                                    bool& timed_out) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto ready = [&] { return !chunks_.empty() || finished_ || error_; };
  timed_out = false;
  if (timeout == std::chrono::milliseconds::max())
    ready_.wait(lock, ready);
  else if (!ready_.wait_for(lock, timeout, ready)) {
    timed_out = true;
    return std::nullopt;
  }
  if (!chunks_.empty()) {
    AudioChunk chunk = std::move(chunks_.front());
    chunks_.pop_front();
    return chunk;
  }
  if (error_) std::rethrow_exception(error_);
  return std::nullopt;
}

void SynthesisHandle::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
}

bool SynthesisHandle::cancelled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

FinalRecord SynthesisHandle::final_record() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return record_;
}

void SynthesisHandle::push(AudioChunk chunk) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_ || error_) return;
    chunks_.push_back(std::move(chunk));
  }
  ready_.notify_all();
}

void SynthesisHandle::finish(FinalRecord record) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_ || error_) return;
    record_ = std::move(record);
    finished_ = true;
  }
  ready_.notify_all();
}

void SynthesisHandle::fail(std::exception_ptr error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (finished_ || error_) return;
    error_ = std::move(error);
  }
  ready_.notify_all();
}

bool SynthesisHandle::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return finished_ || error_ != nullptr;
}

}  // namespace chatterbox::runtime
