#pragma once
// The options every model-loading command shares (checkpoint directory, variant, device,
// multilingual T3 version), loading the pipeline they name, and the checks of a command's other
// inputs (output path, voice) that run before any model loads.

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

#include "engine/dsp/audio_file.h"
#include "engine/pipeline/conditionals.h"
#include "engine/pipeline/pipeline.h"

namespace chatterbox::server {

struct ModelOptions {
  std::string model_dir;
  std::string variant = "original";
  std::string device = "auto";
  std::string multilingual_t3 = "v2";
};

// `model_dir_required`: false where a config file may name the models instead (serve).
void add_model_options(CLI::App* command, ModelOptions& options, bool model_dir_required = true);

// Chooses the device (falling back to the CPU with a logged reason) and loads the pipeline.
std::unique_ptr<pipeline::Pipeline> load_pipeline(const ModelOptions& options);

// Throws Error(kInvalidArgument) unless `path` can be written: not a directory, in an existing,
// writable directory. `flag` names the option in the message. Nothing is created.
void check_writable_output(const std::string& path, const std::string& flag);

// A voice as given on the command line, read before any model loads: saved conditionals
// (.safetensors, or a conds .pt) as they are, checked against the variant and reported; anything
// else decoded as a reference clip, to be analysed once the pipeline is loaded.
struct VoiceInput {
  std::optional<pipeline::Conditionals> saved;
  std::optional<dsp::Audio> clip;
};
VoiceInput read_voice(const std::string& path, Variant variant);
// The conditionals of a voice input (a clip is analysed by `pipe`).
pipeline::Conditionals voice_conditionals(const pipeline::Pipeline& pipe, const VoiceInput& voice,
                                          double exaggeration);

}  // namespace chatterbox::server
