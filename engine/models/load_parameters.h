#pragma once
// Fills a module's parameters and buffers from a checkpoint by their state-dict names.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/io/state_dict.h"

namespace chatterbox::models {

// Copies every named parameter and buffer of `module` from `weights` (same key, same shape),
// skipping names listed in `skip` (buffers the module computes itself). Throws kCorruptData
// naming the checkpoint, the key and the expected shape when one is missing or misshapen.
void load_parameters(torch::nn::Module& module, const io::StateDict& weights,
                     const std::vector<std::string>& skip = {});

}  // namespace chatterbox::models
