#pragma once
// CUDA graphs of the T3 decode step, one per shape (batch rows, key length): the step's
// thousand-odd kernel launches become one replay. A graph reads its inputs from, and leaves its
// logits in, tensors it owns; run() copies the step's inputs in before each replay. Built
// against a libtorch without CUDA (Debian's), available() is false and run() fails.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>

namespace chatterbox::models::t3 {

class StepGraphs {
 public:
  // inputs (3, rows) int64 on the device -> logits (rows, V).
  using Step = std::function<torch::Tensor(const torch::Tensor& inputs)>;

  // True when this build has CUDA graphs and `device` is a CUDA device.
  static bool available(const torch::Device& device);

  explicit StepGraphs(torch::Device device);
  ~StepGraphs();
  StepGraphs(const StepGraphs&) = delete;
  StepGraphs& operator=(const StepGraphs&) = delete;

  // Copies `inputs` (3, rows) int64 into the graph of (rows, key_length), capturing `step` for
  // it on first use (after one eager run of it, which lazy initialisation needs), and replays
  // it. `step` must be a pure function of its inputs and the device memory it writes (the KV
  // cache), so that running it again gives the same result. The logits stay valid until the
  // next run().
  torch::Tensor run(const torch::Tensor& inputs, int64_t key_length, const Step& step);

  // Graphs captured so far.
  int64_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatterbox::models::t3
