#include "server/commands/model_options.h"

#include <unistd.h>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/common/strings.h"
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

void check_writable_output(const std::string& path, const std::string& flag) {
  if (path.empty()) fail(ErrorCode::kInvalidArgument, flag + " is empty");
  if (fs::is_directory(path))
    fail(ErrorCode::kInvalidArgument, flag + " " + path + " is a directory: name a file");
  std::string dir = fs::parent_path(path);
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir))
    fail(ErrorCode::kInvalidArgument,
         flag + " " + path + ": the directory " + dir + " does not exist");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    fail(ErrorCode::kInvalidArgument,
         flag + " " + path + ": the directory " + dir + " is not writable");
  if (fs::exists(path) && ::access(path.c_str(), W_OK) != 0)
    fail(ErrorCode::kInvalidArgument, flag + " " + path + " exists and is not writable");
}

VoiceInput read_voice(const std::string& path, Variant variant) {
  VoiceInput voice;
  if (ends_with(path, ".safetensors") || ends_with(path, ".pt")) {
    voice.saved = pipeline::load_conditionals_any(path);
    log::info("voice " + path + ": made for " +
              (voice.saved->variant ? variant_name(*voice.saved->variant)
                                    : "an unrecorded variant (a conds.pt)"));
    pipeline::check_voice_for(variant, *voice.saved);
  } else {
    voice.clip = dsp::read_audio_file(path);
    pipeline::check_reference_length(variant, voice.clip->seconds());
  }
  return voice;
}

pipeline::Conditionals voice_conditionals(const pipeline::Pipeline& pipe, const VoiceInput& voice,
                                          double exaggeration) {
  if (voice.saved) return *voice.saved;
  if (!voice.clip) fail(ErrorCode::kInternal, "no voice was read");
  return pipe.make_voice(*voice.clip, exaggeration);
}

}  // namespace chatterbox::server
