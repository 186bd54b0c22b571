#pragma once

#include <string>

namespace chatterbox::runtime {

// The kernel family OpenBLAS chose for this CPU ("SkylakeX", "Haswell", "Prescott", ...), or
// empty when libtorch does not run on OpenBLAS.
std::string openblas_core_name();

// A warning when OpenBLAS fell back to its generic kernels on a CPU with AVX2 or AVX-512 (it
// happens on CPUs it does not recognise, such as some virtual Xeons): naming the kernel with
// OPENBLAS_CORETYPE made CPU synthesis about 3x faster on such a machine. Empty when all is well.
std::string generic_blas_warning();

}  // namespace chatterbox::runtime
