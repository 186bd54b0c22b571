#pragma once
// The CUDA kernels a piece of work launches, from libtorch's Kineto profiler (CUPTI): per kernel
// name, how often and how long it ran, so that a step's cost can be put on its kernels. Only in
// builds configured with -DCHATTERBOX_BENCH_KINETO=ON (libtorch 2.x with Kineto, as PyTorch's
// CUDA wheels are); elsewhere profile_kernels throws kUnsupported.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chatterbox::bench {

struct KernelTotal {
  std::string name;
  int64_t launches = 0;
  double total_us = 0;
};

// Runs `work` once under the profiler (the caller synchronizes inside it) and returns its
// kernels, longest total first.
std::vector<KernelTotal> profile_kernels(const std::function<void()>& work);

// Prints the `top` longest, then the totals, each divided by `per` (e.g. steps run).
void print_kernels(const std::vector<KernelTotal>& kernels, int64_t per, size_t top = 25);

}  // namespace chatterbox::bench
