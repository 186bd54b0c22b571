#pragma once
// Which device a model runs on (DESIGN.md, Devices): "auto" tries MPS, then CUDA, then the CPU;
// a named device that this machine cannot use falls back to the CPU with a reason a person can
// act on. A name that is no device at all is an error, not a fallback.

#include <torch/torch.h>

#include <functional>
#include <string>

namespace chatterbox::runtime {

// What the machine offers; tests pass a fake one.
struct DeviceProbe {
  std::function<bool()> mps_available;
  std::function<int()> cuda_device_count;

  static DeviceProbe system();
};

struct DeviceChoice {
  std::string requested;  // as asked, e.g. "auto", "cuda:1"
  torch::Device device = torch::kCPU;
  std::string fallback_reason;  // empty when the request was met (auto always is)
};

// kInvalidArgument for anything but auto, cpu, mps, cuda, cuda:N.
DeviceChoice choose_device(const std::string& requested,
                           const DeviceProbe& probe = DeviceProbe::system());

}  // namespace chatterbox::runtime
