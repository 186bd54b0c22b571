#include "engine/runtime/precision.h"

#include <ATen/Context.h>

namespace chatterbox::runtime {

void set_allow_tf32(bool allow) {
  at::globalContext().setAllowTF32CuBLAS(allow);
  at::globalContext().setAllowTF32CuDNN(allow);
}

}  // namespace chatterbox::runtime
