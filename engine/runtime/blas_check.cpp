#include "engine/runtime/blas_check.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace chatterbox::runtime {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_one_of(const std::string& core, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return core == n; });
}

// OpenBLAS's SSE-era kernels.
bool generic_kernels(const std::string& core) {
  return is_one_of(lower(core), {"prescott", "core2", "nehalem", "penryn", "dunnington", "atom",
                                 "opteron", "barcelona", "bobcat"});
}

}  // namespace

std::string openblas_core_name() {
  using CoreName = char* (*)();
  auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!core_name) return "";
  const char* name = core_name();
  return name ? name : "";
}

CpuVectorUnits cpu_vector_units() {
  CpuVectorUnits units;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  units.avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  units.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                 __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
#endif
  return units;
}

std::string better_openblas_core(const std::string& core, const CpuVectorUnits& units) {
  if (!generic_kernels(core)) return "";
  return units.avx512 ? "SkylakeX" : units.avx2 ? "Haswell" : "";
}

std::string blas_kernel_warning() {
  if (std::getenv("OPENBLAS_CORETYPE")) return "";
  const std::string core = openblas_core_name();
  if (core.empty()) return "";
  const std::string better = better_openblas_core(core, cpu_vector_units());
  if (better.empty()) return "";
  return "OpenBLAS runs its generic " + core + " kernels on this CPU, which has " +
         (better == "SkylakeX" ? "AVX-512" : "AVX2") +
         ": start chatterboxd with OPENBLAS_CORETYPE=" + better +
         " in its environment for about 3x faster CPU synthesis";
}

}  // namespace chatterbox::runtime
