#include "engine/runtime/blas_check.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>

namespace chatterbox::runtime {

std::string openblas_core_name() {
  using CoreName = char* (*)();
  auto core_name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!core_name) return "";
  const char* name = core_name();
  return name ? name : "";
}

std::string generic_blas_warning() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  std::string core = openblas_core_name();
  std::transform(core.begin(), core.end(), core.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (core != "prescott" && core != "core2" && core != "nehalem") return "";
  const char* better = __builtin_cpu_supports("avx512f") ? "SkylakeX"
                       : __builtin_cpu_supports("avx2")  ? "Haswell"
                                                         : nullptr;
  if (!better) return "";
  return "OpenBLAS runs its generic " + openblas_core_name() + " kernels on this CPU, which has " +
         (std::string(better) == "SkylakeX" ? "AVX-512" : "AVX2") +
         ": start chatterboxd with OPENBLAS_CORETYPE=" + better +
         " in its environment for about 3x faster CPU synthesis";
#else
  return "";
#endif
}

}  // namespace chatterbox::runtime
