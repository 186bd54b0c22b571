#include "engine/runtime/threads.h"

#include <dlfcn.h>
#include <torch/torch.h>

#include <thread>

namespace chatterbox::runtime {
namespace {

// libtorch parallelises around its BLAS calls itself; an OpenBLAS pool of its own on top of
// that oversubscribes the cores (measured here: 2-6x slower on a loaded 2-core machine). Looked
// up at run time because which BLAS libtorch uses depends on how it was built.
void limit_openblas_threads() {
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
    set(1);
}

}  // namespace

int configure_threads(int requested) {
  int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  limit_openblas_threads();
  torch::set_num_threads(n);
  return torch::get_num_threads();
}

}  // namespace chatterbox::runtime
