#pragma once
// Each chatterboxd subcommand registers its options on the CLI11 app and runs when chosen.

#include <CLI/CLI.hpp>

#include <functional>

namespace chatterbox::server {

struct GlobalOptions {
  int threads = 0;  // 0: all cores
  std::string log_level = "info";
  bool allow_tf32 = false;
};

using CommandRunner = std::function<int()>;

// Adds the make-pattern-model subcommand; the returned runner executes it once parsed.
CommandRunner add_make_pattern_model_command(CLI::App& app, const GlobalOptions& global);
// Adds synth: one offline synthesis to a WAV file.
CommandRunner add_synth_command(CLI::App& app, const GlobalOptions& global);
// Adds make-voice: a reference clip analysed once and saved as a voice file.
CommandRunner add_make_voice_command(CLI::App& app, const GlobalOptions& global);
// Adds serve: the REST and gRPC server (server/commands/server_app.h).
CommandRunner add_serve_command(CLI::App& app, const GlobalOptions& global);

}  // namespace chatterbox::server
