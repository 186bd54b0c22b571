#pragma once
// The options every model-loading command shares (checkpoint directory, variant, device,
// multilingual T3 version), and loading the pipeline they name.

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

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

// A voice from a file: saved conditionals (.safetensors, or a conds .pt) as they are, anything
// else decoded as a reference clip.
pipeline::Conditionals voice_from_file(const pipeline::Pipeline& pipe, const std::string& path,
                                       double exaggeration);

}  // namespace chatterbox::server
