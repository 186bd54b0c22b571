// Device policy: auto prefers MPS, then CUDA, then the CPU; unusable requests fall back to the
// CPU with a reason; names that are no device are errors.

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/runtime/device.h"

namespace chatterbox {
namespace {

using runtime::choose_device;
using runtime::DeviceProbe;

DeviceProbe fake(bool mps, int cuda) {
  return DeviceProbe{[mps] { return mps; }, [cuda] { return cuda; }};
}

TEST(DeviceChoice, AutoPrefersMpsThenCudaThenCpu) {
  EXPECT_EQ(choose_device("auto", fake(true, 2)).device, torch::Device(torch::kMPS));
  EXPECT_EQ(choose_device("auto", fake(false, 2)).device, torch::Device(torch::kCUDA));
  const auto cpu = choose_device("auto", fake(false, 0));
  EXPECT_EQ(cpu.device, torch::Device(torch::kCPU));
  EXPECT_TRUE(cpu.fallback_reason.empty());
}

TEST(DeviceChoice, NamedDevicesAreUsedWhenPresent) {
  EXPECT_EQ(choose_device("cuda:1", fake(false, 2)).device, torch::Device(torch::kCUDA, 1));
  EXPECT_EQ(choose_device("cuda", fake(false, 1)).device, torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(choose_device("mps", fake(true, 0)).device, torch::Device(torch::kMPS));
  EXPECT_EQ(choose_device("cpu", fake(true, 4)).device, torch::Device(torch::kCPU));
}

TEST(DeviceChoice, UnusableDevicesFallBackToCpuWithAReason) {
  const auto missing = choose_device("cuda:1", fake(false, 1));
  EXPECT_EQ(missing.device, torch::Device(torch::kCPU));
  EXPECT_EQ(missing.requested, "cuda:1");
  EXPECT_EQ(missing.fallback_reason, "CUDA device 1 not present (1 device)");
  EXPECT_NE(choose_device("cuda", fake(true, 0)).fallback_reason.find("no CUDA device"),
            std::string::npos);
  EXPECT_NE(choose_device("mps", fake(false, 3)).fallback_reason.find("MPS not available"),
            std::string::npos);
}

TEST(DeviceChoice, UnknownNamesAreInvalidArguments) {
  for (const char* name : {"gpu", "", "cuda:", "cuda:x", "cuda:-1", "CPU", "cuda:99999"}) {
    try {
      choose_device(name, fake(true, 1));
      ADD_FAILURE() << "accepted '" << name << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << name;
    }
  }
}

}  // namespace
}  // namespace chatterbox
