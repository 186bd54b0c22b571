#pragma once

#include <string>

namespace chatterbox::runtime {

// The kernel family OpenBLAS chose for this CPU ("SkylakeX", "Haswell", "Prescott", ...), or
// empty when libtorch does not run on OpenBLAS.
std::string openblas_core_name();

// What this CPU can run that OpenBLAS may not have picked.
struct CpuVectorUnits {
  bool avx2 = false;
  bool avx512 = false;  // F, BW, DQ and VL: what OpenBLAS's SkylakeX kernels use
};
CpuVectorUnits cpu_vector_units();

// The OpenBLAS kernel family to name in OPENBLAS_CORETYPE when `core` (as openblas_core_name()
// gives it) is one of OpenBLAS's generic SSE-era families on a CPU with AVX2 or AVX-512, else
// empty. OpenBLAS 0.3.21 falls back to them on CPUs it does not recognise (some virtual Xeons
// report only "Intel(R) Xeon(R) Processor").
std::string better_openblas_core(const std::string& core, const CpuVectorUnits& units);

// A warning naming the better kernel for this process's CPU (naming it made CPU synthesis about
// 3x faster on such a machine); empty when OpenBLAS's own choice uses the CPU's vector units or
// OPENBLAS_CORETYPE is set.
std::string blas_kernel_warning();

}  // namespace chatterbox::runtime
