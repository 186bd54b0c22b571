// Debian's libtorch runs its CPU matrix products on OpenBLAS (scripts/setup.sh installs it); the
// check that warns about its generic kernels can see which ones it chose.

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
  const std::string warning = generic_blas_warning();
  if (!warning.empty()) {
    EXPECT_NE(warning.find(core), std::string::npos) << warning;
    EXPECT_NE(warning.find("OPENBLAS_CORETYPE="), std::string::npos) << warning;
  }
}

}  // namespace
}  // namespace chatterbox::runtime
