#pragma once
// Runs the engine's S3Gen chunk decodes beside its T3 loop: on a thread of its own and, on a
// CUDA device, a stream of its own, so T3 keeps stepping while audio decodes (both are bound by
// kernel launches, so the device has room for the two). One task at a time: the loop starts
// one, keeps stepping, and collects it when done(). Not threaded, start() runs the task at once.

#include <torch/torch.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace chatterbox::runtime {

class AudioWorker {
 public:
  using Task = std::function<void()>;

  // device: where S3Gen runs (a CUDA device gets a side stream); threaded: false runs every
  // task inline in start().
  AudioWorker(torch::Device device, bool threaded);
  ~AudioWorker();  // waits for the task in flight
  AudioWorker(const AudioWorker&) = delete;
  AudioWorker& operator=(const AudioWorker&) = delete;

  bool threaded() const { return threaded_; }
  // A task was started and not yet collected.
  bool busy() const { return busy_; }
  // The started task has run (or failed).
  bool done() const;
  // Waits up to `timeout` for the started task to finish; true when done().
  bool wait_for(std::chrono::milliseconds timeout);
  void start(Task task);
  // Ends the task: rethrows what it threw, and the worker is free again.
  void collect();

 private:
  void run();

  torch::Device device_;
  bool threaded_;
  bool busy_ = false;  // the loop thread's own

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Task task_;  // under mutex_: queued for the thread
  bool finished_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace chatterbox::runtime
