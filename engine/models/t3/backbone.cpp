#include "engine/models/t3/backbone.h"

#include "engine/models/t3/gpt2_backbone.h"
#include "engine/models/t3/llama_backbone.h"

namespace chatterbox::models::t3 {

torch::Tensor consecutive_positions(int64_t batch, int64_t past, int64_t steps,
                                    const torch::Device& device) {
  auto options = torch::TensorOptions().dtype(torch::kLong).device(device);
  return torch::arange(past, past + steps, options).unsqueeze(0).expand({batch, steps});
}

std::unique_ptr<Backbone> load_backbone(const T3Config& config, const io::StateDict& dict,
                                        torch::Device device, torch::ScalarType dtype,
                                        bool int8_rows) {
  WeightReader tfmr(dict, device, "tfmr.", dtype, int8_rows);
  if (config.is_llama()) return std::make_unique<LlamaBackbone>(config, tfmr);
  return std::make_unique<Gpt2Backbone>(config, tfmr);
}

}  // namespace chatterbox::models::t3
