#include "engine/runtime/device_memory.h"

#ifdef CHATTERBOX_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace chatterbox::runtime {

#ifdef CHATTERBOX_WITH_CUDA

namespace {
c10::DeviceIndex index_of(const torch::Device& device) {
  return device.has_index() ? device.index() : c10::cuda::current_device();
}
}  // namespace

int64_t peak_device_bytes(const torch::Device& device) {
  if (!device.is_cuda()) return -1;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index_of(device));
  return stats.allocated_bytes[0].peak;  // [0]: the aggregate over pools
}

void reset_peak_device_bytes(const torch::Device& device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(index_of(device));
}

#else

int64_t peak_device_bytes(const torch::Device&) {
  return -1;
}
void reset_peak_device_bytes(const torch::Device&) {}

#endif

}  // namespace chatterbox::runtime
