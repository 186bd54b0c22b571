#include "engine/models/load_parameters.h"

#include <algorithm>

namespace chatterbox::models {

void load_parameters(torch::nn::Module& module, const io::StateDict& weights,
                     const std::vector<std::string>& skip) {
  torch::NoGradGuard no_grad;
  auto skipped = [&](const std::string& key) {
    return std::find(skip.begin(), skip.end(), key) != skip.end();
  };
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    if (skipped(item.key())) continue;
    item.value().copy_(weights.get(item.key(), item.value().sizes().vec()));
  }
  for (auto& item : module.named_buffers(/*recurse=*/true)) {
    if (skipped(item.key())) continue;
    item.value().copy_(weights.get(item.key(), item.value().sizes().vec()));
  }
}

}  // namespace chatterbox::models
