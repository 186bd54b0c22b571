#pragma once
// A T3 with the published architecture but a few narrow layers and random weights: fast enough
// for tests of decoding mechanics (batching, slots), with logits spread enough that sampling
// picks varied tokens. Not a parity model.

#include <memory>

#include "engine/models/t3/t3_model.h"

namespace chatterbox::testing {

// variant: "original" (Llama, CFG) or "turbo" (GPT-2); dtype: its transformer's.
std::shared_ptr<const models::t3::T3Model> small_t3(const std::string& variant, uint64_t seed = 3,
                                                    torch::ScalarType dtype = torch::kFloat32,
                                                    torch::Device device = torch::kCPU);
std::shared_ptr<const models::t3::T3Model> small_t3(const std::string& variant, uint64_t seed,
                                                    const models::t3::T3LoadOptions& options);

// Conditionals of a random voice with `prompt_tokens` prompt speech tokens.
models::t3::T3Conditionals random_t3_voice(uint64_t seed, int64_t prompt_tokens);

// Random text tokens (1, n) as the model takes them (Llama: start and stop added).
torch::Tensor random_text(const models::t3::T3Config& config, uint64_t seed, int64_t n);

}  // namespace chatterbox::testing
