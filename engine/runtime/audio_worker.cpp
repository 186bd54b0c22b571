#include "engine/runtime/audio_worker.h"

#include <c10/core/Event.h>
#include <c10/core/StreamGuard.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>

#include <optional>
#include <utility>

#include "engine/common/error.h"

namespace chatterbox::runtime {

AudioWorker::AudioWorker(torch::Device device, bool threaded)
    : device_(device), threaded_(threaded) {
  if (threaded_) thread_ = std::thread([this] { run(); });
}

AudioWorker::~AudioWorker() {
  if (!threaded_) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

bool AudioWorker::done() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return finished_;
}

bool AudioWorker::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return finished_; });
}

void AudioWorker::start(Task task) {
  if (busy_) fail(ErrorCode::kInternal, "the audio worker already has a task");
  busy_ = true;
  if (!threaded_) {
    try {
      task();
    } catch (...) {
      error_ = std::current_exception();
    }
    finished_ = true;
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = std::move(task);
    finished_ = false;
  }
  changed_.notify_all();
}

void AudioWorker::collect() {
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!busy_ || !finished_) fail(ErrorCode::kInternal, "no finished audio task to collect");
    error = std::exchange(error_, nullptr);
    finished_ = false;
  }
  busy_ = false;
  if (error) std::rethrow_exception(error);
}

void AudioWorker::run() {
  c10::InferenceMode inference;
  // A CUDA device's own stream: the T3 loop's kernels and these interleave on the device.
  const auto* streams = device_.is_cuda() ? c10::impl::getDeviceGuardImpl(device_.type()) : nullptr;
  std::optional<c10::StreamGuard> on_side_stream;
  if (streams) on_side_stream.emplace(streams->getStreamFromGlobalPool(device_, false));
  while (true) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || task_; });
      if (!task_) return;  // stopping, nothing queued
      task = std::move(task_);
      task_ = nullptr;
    }
    if (streams) {
      // What the loop queued before (a voice's tensors, say) is written before this reads it.
      c10::Event queued(device_.type());
      queued.record(streams->getDefaultStream(device_));
      queued.block(on_side_stream->current_stream());
    }
    std::exception_ptr error;
    try {
      task();
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = error;
      finished_ = true;
    }
    changed_.notify_all();
  }
}

}  // namespace chatterbox::runtime
