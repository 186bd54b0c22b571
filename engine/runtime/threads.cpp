#include "engine/runtime/threads.h"

#include <torch/torch.h>

#include <thread>

namespace chatterbox::runtime {

int configure_threads(int requested) {
  int n = requested > 0 ? requested : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  torch::set_num_threads(n);
  return torch::get_num_threads();
}

}  // namespace chatterbox::runtime
