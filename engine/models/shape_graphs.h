#pragma once
// CUDA graphs, one per shape: a computation's hundreds of kernel launches become one replay.
// A graph reads the tensors it was captured on (the caller's static inputs, weights, caches) and
// leaves its result in a tensor of its own. The T3 decode step and S3Gen's CFM estimator use it.
// Built against a libtorch without CUDA (Debian's), available() is false and the constructor
// fails.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace chatterbox::models {

class ShapeGraphs {
 public:
  using Body = std::function<torch::Tensor()>;
  using Step = std::function<torch::Tensor(const torch::Tensor& input)>;

  // True when this build has CUDA graphs and `device` is a CUDA device.
  static bool available(const torch::Device& device);

  explicit ShapeGraphs(torch::Device device);
  ~ShapeGraphs();
  ShapeGraphs(const ShapeGraphs&) = delete;
  ShapeGraphs& operator=(const ShapeGraphs&) = delete;

  // Replays the graph of `shape`, capturing `body` for it on first use (after one eager run,
  // which lazy initialisation needs). `body` must read only tensors that outlive the graph and
  // give the same result when run again on the same values. The result stays valid until the
  // next replay of the same shape. Graphs of one ShapeGraphs share their memory: never replay
  // them from two threads at once.
  torch::Tensor replay(const std::vector<int64_t>& shape, const Body& body);

  // replay() for a step of one input: `input` is copied into a tensor the graph of `shape` owns
  // (its size must not change for a shape), and `step` runs on that tensor.
  torch::Tensor run(const std::vector<int64_t>& shape, const torch::Tensor& input,
                    const Step& step);

  // Graphs captured so far.
  int64_t size() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatterbox::models
