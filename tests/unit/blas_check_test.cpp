// Debian's libtorch runs its CPU matrix products on OpenBLAS (scripts/setup.sh installs it); the
// check that warns about its generic kernels can see which ones it chose, and names the family
// that uses the CPU's vector units.

#include <gtest/gtest.h>
#include <torch/version.h>

#include "engine/runtime/blas_check.h"

namespace chatterbox::runtime {
namespace {

TEST(BlasCheck, SeesOpenBlasKernelsUnderDebiansLibtorch) {
  const std::string core = openblas_core_name();
#if TORCH_VERSION_MAJOR < 2
  EXPECT_FALSE(core.empty()) << "Debian's libtorch without OpenBLAS runs on the reference BLAS";
#endif
  const std::string warning = blas_kernel_warning();
  if (!warning.empty()) {
    EXPECT_NE(warning.find(core), std::string::npos) << warning;
    EXPECT_NE(warning.find("OPENBLAS_CORETYPE="), std::string::npos) << warning;
  }
}

TEST(BlasCheck, NamesTheKernelThatUsesTheCpusVectorUnits) {
  const CpuVectorUnits avx512{true, true}, avx2{true, false}, neither{false, false};
  // Generic kernels on a CPU OpenBLAS did not recognise.
  EXPECT_EQ(better_openblas_core("Prescott", avx512), "SkylakeX");
  EXPECT_EQ(better_openblas_core("Prescott", avx2), "Haswell");
  EXPECT_EQ(better_openblas_core("Prescott", neither), "");
  EXPECT_EQ(better_openblas_core("Core2", avx512), "SkylakeX");
  // OpenBLAS's own choice for a CPU it knows, or one named in OPENBLAS_CORETYPE.
  EXPECT_EQ(better_openblas_core("Haswell", avx512), "");
  EXPECT_EQ(better_openblas_core("Zen", avx2), "");
  EXPECT_EQ(better_openblas_core("SkylakeX", avx512), "");
  EXPECT_EQ(better_openblas_core("Cooperlake", avx512), "");
  EXPECT_EQ(better_openblas_core("", avx512), "");
}

}  // namespace
}  // namespace chatterbox::runtime
