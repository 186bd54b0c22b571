#include "engine/runtime/device.h"

#include <cctype>

#include "engine/common/error.h"

namespace chatterbox::runtime {
namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

DeviceChoice on_cpu(const std::string& requested, std::string reason) {
  return DeviceChoice{requested, torch::kCPU, std::move(reason)};
}

DeviceChoice choose_cuda(const std::string& requested, int index, int count) {
  if (count == 0) return on_cpu(requested, "no CUDA device (or CUDA not built into this libtorch)");
  if (index >= count)
    return on_cpu(requested, "CUDA device " + std::to_string(index) + " not present (" +
                                 std::to_string(count) + (count == 1 ? " device)" : " devices)"));
  return DeviceChoice{requested, torch::Device(torch::kCUDA, static_cast<int8_t>(index)), ""};
}

}  // namespace

DeviceProbe DeviceProbe::system() {
  DeviceProbe probe;
  probe.mps_available = [] { return at::hasMPS(); };
  probe.cuda_device_count = [] { return static_cast<int>(torch::cuda::device_count()); };
  return probe;
}

DeviceChoice choose_device(const std::string& requested, const DeviceProbe& probe) {
  if (requested == "cpu") return on_cpu(requested, "");
  if (requested == "auto") {
    if (probe.mps_available()) return DeviceChoice{requested, torch::kMPS, ""};
    if (probe.cuda_device_count() > 0) return DeviceChoice{requested, torch::kCUDA, ""};
    return on_cpu(requested, "");
  }
  if (requested == "mps") {
    if (probe.mps_available()) return DeviceChoice{requested, torch::kMPS, ""};
    return on_cpu(requested, "MPS not available (not built into this libtorch, or no Apple GPU)");
  }
  if (requested == "cuda") return choose_cuda(requested, 0, probe.cuda_device_count());
  const std::string prefix = "cuda:";
  if (requested.rfind(prefix, 0) == 0 && all_digits(requested.substr(prefix.size())) &&
      requested.size() - prefix.size() <= 3)
    return choose_cuda(requested, std::stoi(requested.substr(prefix.size())),
                       probe.cuda_device_count());
  fail(ErrorCode::kInvalidArgument,
       "unknown device '" + requested + "': use auto, cpu, mps, cuda or cuda:N");
}

}  // namespace chatterbox::runtime
