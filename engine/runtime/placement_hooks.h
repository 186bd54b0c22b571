#pragma once
// Seams for tests of the device policy: a fake probe can claim a GPU this machine lacks; these
// say where that GPU's tensors really go and make a component fail on it on demand, or a whole
// model's warm-up fail on any device.

#include <functional>
#include <string>

#include <torch/torch.h>

namespace chatterbox::runtime {

struct PlacementHooks {
  // The device tensors of a chosen device really go to (default: that device).
  std::function<torch::Device(const torch::Device&)> realize;
  // Called before `component` moves to `device` (stage "move") and before each warm-up with it
  // there (stage "warm-up"); throwing makes that step fail as a real failure would.
  std::function<void(const std::string& component, const std::string& device,
                     const std::string& stage)>
      fault;
  // Called before each warm-up synthesis of model `model` with T3 on `device` (the CPU too);
  // throwing makes that warm-up fail as a device failing under it would. The server sets it
  // only for CHATTERBOX_FAULT_WARMUP_FAIL (server/fault_injection.h).
  std::function<void(const std::string& model, const std::string& device)> warm_up_fault;
};

}  // namespace chatterbox::runtime
