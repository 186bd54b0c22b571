#include <iostream>
#include <memory>

#include "engine/common/variant.h"
#include "engine/io/pattern_checkpoint.h"
#include "engine/log/log.h"
#include "server/commands/command.h"

namespace chatterbox::server {

CommandRunner add_make_pattern_model_command(CLI::App& app, const GlobalOptions&) {
  struct Options {
    std::string variant = "original";
    std::string out;
    double voice_seconds = 10;
  };
  auto options = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "make-pattern-model",
      "Write a full-size checkpoint directory of pattern weights (not a trained model: its audio "
      "is noise) in the published layout of a variant");
  cmd->add_option("--variant", options->variant, "original, multilingual, turbo, nano or vc")
      ->capture_default_str();
  cmd->add_option("--out", options->out, "Directory to write")->required();
  cmd->add_option("--voice-seconds", options->voice_seconds,
                  "Length of the built-in voice's reference, 0.5 to 10 (the published voices: "
                  "10); a shorter one makes S3Gen cheaper")
      ->capture_default_str();
  return [cmd, options]() {
    if (!*cmd) return -1;
    Variant variant = parse_variant(options->variant);
    log::info(std::string("writing a pattern ") + variant_name(variant) + " checkpoint to " +
              options->out);
    uint64_t total = 0;
    for (const auto& file :
         io::write_pattern_checkpoint(options->out, variant, options->voice_seconds)) {
      std::cout << file.path << "  " << file.bytes << " bytes\n";
      total += file.bytes;
    }
    std::cout << "wrote a pattern " << variant_name(variant) << " model (" << total / (1 << 20)
              << " MiB) to " << options->out << "\n";
    return 0;
  };
}

}  // namespace chatterbox::server
