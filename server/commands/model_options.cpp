#include "server/commands/model_options.h"

#include "engine/common/strings.h"
#include "engine/dsp/audio_file.h"
#include "engine/log/log.h"
#include "engine/runtime/device.h"

namespace chatterbox::server {
void add_model_options(CLI::App* command, ModelOptions& options, bool model_dir_required) {
  command->add_option("--model-dir", options.model_dir, "Checkpoint directory")
      ->required(model_dir_required);
  command->add_option("--variant", options.variant, "original, multilingual, turbo, nano or vc")
      ->capture_default_str();
  command->add_option("--device", options.device, "auto, cpu, mps, cuda or cuda:N")
      ->capture_default_str();
  command
      ->add_option("--multilingual-t3", options.multilingual_t3,
                   "Multilingual T3 weights: v2, v3, or a .safetensors file in the model directory")
      ->capture_default_str();
}

std::unique_ptr<pipeline::Pipeline> load_pipeline(const ModelOptions& options) {
  const Variant variant = parse_variant(options.variant);
  const runtime::DeviceChoice device = runtime::choose_device(options.device);
  if (!device.fallback_reason.empty())
    log::warn("using the CPU instead of " + options.device + ": " + device.fallback_reason);
  pipeline::PipelineLoadOptions load;
  load.device = device.device;
  load.multilingual_t3 = options.multilingual_t3;
  return pipeline::Pipeline::load(options.model_dir, variant, load);
}

pipeline::Conditionals voice_from_file(const pipeline::Pipeline& pipe, const std::string& path,
                                       double exaggeration) {
  if (ends_with(path, ".safetensors") || ends_with(path, ".pt"))
    return pipeline::load_conditionals_any(path);
  return pipe.make_voice(dsp::read_audio_file(path), exaggeration);
}

}  // namespace chatterbox::server
