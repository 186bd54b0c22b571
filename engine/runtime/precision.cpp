#include "engine/runtime/precision.h"

#include <ATen/Context.h>

namespace chatterbox::runtime {

void set_allow_tf32(bool allow) {
  at::globalContext().setAllowTF32CuBLAS(allow);
  at::globalContext().setAllowTF32CuDNN(allow);
}

void set_deterministic_kernels(bool deterministic) {
  at::globalContext().setDeterministicCuDNN(deterministic);
  if (deterministic) at::globalContext().setBenchmarkCuDNN(false);
}

}  // namespace chatterbox::runtime
