#include "bench/kernel_profile.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "engine/common/error.h"

#ifdef CHATTERBOX_BENCH_KINETO
#include <torch/csrc/autograd/profiler_kineto.h>
#endif

namespace chatterbox::bench {

std::vector<KernelTotal> profile_kernels(const std::function<void()>& work) {
#ifdef CHATTERBOX_BENCH_KINETO
  namespace prof = torch::autograd::profiler;
  using torch::profiler::impl::ActivityType;
  const prof::ProfilerConfig config(torch::profiler::impl::ProfilerState::KINETO);
  const std::set<ActivityType> activities{ActivityType::CPU, ActivityType::CUDA};
  prof::prepareProfiler(config, activities);
  prof::enableProfiler(config, activities);
  work();
  const std::unique_ptr<prof::ProfilerResult> result = prof::disableProfiler();
  std::map<std::string, KernelTotal> by_name;
  for (const auto& event : result->events()) {
    if (event.deviceType() != c10::DeviceType::CUDA) continue;
    KernelTotal& k = by_name[event.name()];
    k.name = event.name();
    ++k.launches;
    k.total_us += static_cast<double>(event.durationNs()) / 1000.0;
  }
  std::vector<KernelTotal> kernels;
  for (auto& [name, k] : by_name) kernels.push_back(std::move(k));
  std::sort(kernels.begin(), kernels.end(),
            [](const KernelTotal& a, const KernelTotal& b) { return a.total_us > b.total_us; });
  return kernels;
#else
  (void)work;
  fail(ErrorCode::kUnsupported,
       "kernel profiles need a chatterbox-bench configured with -DCHATTERBOX_BENCH_KINETO=ON");
#endif
}

void print_kernels(const std::vector<KernelTotal>& kernels, int64_t per, size_t top) {
  const double n = static_cast<double>(std::max<int64_t>(per, 1));
  double launches = 0, us = 0;
  for (const auto& k : kernels) {
    launches += static_cast<double>(k.launches);
    us += k.total_us;
  }
  std::printf("  %10s %10s  kernel (per step)\n", "launches", "us");
  for (size_t i = 0; i < std::min(top, kernels.size()); ++i)
    std::printf("  %10.1f %10.1f  %.110s\n", static_cast<double>(kernels[i].launches) / n,
                kernels[i].total_us / n, kernels[i].name.c_str());
  std::printf("  %10.1f %10.1f  all %zu kernel names\n", launches / n, us / n, kernels.size());
}

}  // namespace chatterbox::bench
