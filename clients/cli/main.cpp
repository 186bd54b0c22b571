// chatterbox-cli: a gRPC client of chatterboxd (chatterbox.v1.TextToSpeech, grpc.health.v1).

#include <CLI/CLI.hpp>
#include <vector>

#include "commands.h"

int main(int argc, char** argv) {
  using namespace chatterbox::cli;
  CLI::App app{"chatterbox-cli: talk to chatterboxd over gRPC"};
  app.require_subcommand(1);
  ConnectionOptions connection;
  app.add_option("--server", connection.server, "chatterboxd's gRPC address")
      ->capture_default_str();
  app.add_option("--api-key", connection.api_key, "API key (default: $CHATTERBOX_API_KEY)");
  app.add_option("--timeout", connection.timeout_s, "Seconds per call (0: none)")
      ->capture_default_str();
  std::vector<Runner> commands = {
      add_say(app, connection),          add_models(app, connection),
      add_voices(app, connection),       add_upload_voice(app, connection),
      add_delete_voice(app, connection), add_status(app, connection),
      add_health(app, connection),
  };
  CLI11_PARSE(app, argc, argv);
  for (auto& run : commands) {
    const int rc = run();
    if (rc >= 0) return rc;
  }
  return 1;
}
