// chatterboxd: the Chatterbox TTS server and its offline commands.

#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "engine/common/error.h"
#include "engine/log/log.h"
#include "engine/runtime/blas_check.h"
#include "engine/runtime/precision.h"
#include "engine/runtime/threads.h"
#include "server/commands/command.h"
#include "server/version.h"

int main(int argc, char** argv) {
  using namespace chatterbox;
  CLI::App app{"chatterboxd: a local inference server for the Chatterbox text-to-speech family"};
  app.require_subcommand(1);
  app.set_version_flag("--version", server::kVersion);
  server::GlobalOptions global;
  app.add_option("--threads", global.threads, "Intra-op CPU threads (0: all cores)")
      ->capture_default_str();
  app.add_flag(
      "--allow-tf32", global.allow_tf32,
      "Let CUDA use TF32 for float32 matrix products and convolutions (faster, not exact)");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error")
      ->capture_default_str();

  std::vector<server::CommandRunner> commands = {
      server::add_make_pattern_model_command(app, global),
      server::add_synth_command(app, global),
      server::add_make_voice_command(app, global),
      server::add_serve_command(app, global),
  };
  CLI11_PARSE(app, argc, argv);
  try {
    log::set_level(global.log_level);
    runtime::configure_threads(global.threads);
    if (const std::string warning = runtime::blas_kernel_warning(); !warning.empty())
      log::warn(warning);
    runtime::set_allow_tf32(global.allow_tf32);
    runtime::set_deterministic_kernels(true);
    for (auto& run : commands) {
      int rc = run();
      if (rc >= 0) return rc;
    }
  } catch (const Error& e) {
    log::error(std::string(e.what()) + " (" + error_code_name(e.code()) + ")");
    return 2;
  } catch (const std::exception& e) {
    log::error(std::string("internal error: ") + e.what());
    return 3;
  }
  return 1;
}
