#include "tools/load/load_options.h"

#include <CLI/CLI.hpp>

#include <cstdlib>

namespace chatterbox::load {
namespace {

void add_call_options(CLI::App& app, SpeechCall& call) {
  app.add_option("--model", call.model, "Model name")->capture_default_str();
  app.add_option("--voice", call.voice, "Voice (library name or an OpenAI name)")
      ->capture_default_str();
  app.add_option("--text", call.text, "Text of every request (default: one typical sentence)");
  app.add_option("--tokens", call.max_new_tokens, "max_new_tokens of every request (0: unset)")
      ->capture_default_str();
  app.add_option("--seed", call.seed, "Seed of the first request")->capture_default_str();
  app.add_option("--deadline", call.deadline_s,
                 "Per-request deadline in seconds (REST: X-Request-Timeout; gRPC: the call's "
                 "deadline); 0: none")
      ->capture_default_str();
  app.add_option("--api-key", call.api_key, "Bearer key (default: $CHATTERBOX_API_KEY)");
}

}  // namespace

LoadOptions parse_load_options(int argc, char** argv) {
  LoadOptions o;
  CLI::App app{"chatterbox-load: concurrent streaming clients against a running chatterboxd"};
  app.add_option("--transport", o.transport, "http or grpc")
      ->check(CLI::IsMember({"http", "grpc"}))
      ->capture_default_str();
  app.add_option("--url", o.url, "REST base URL (also where /metrics is read)")
      ->capture_default_str();
  app.add_option("--grpc", o.grpc_target, "gRPC target")->capture_default_str();
  app.add_option("-c,--clients", o.clients, "Concurrent clients")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("-t,--duration", o.duration_s, "Seconds during which clients start requests")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("-n,--requests", o.max_requests, "Requests in all at most (0: no bound)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--disconnect-fraction", o.disconnect_fraction,
                 "Fraction of requests that hang up at a random point mid-stream")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--server-pid", o.server_pid, "Read the server's RSS from /proc/PID/status");
  app.add_option("--json", o.json_out, "Also write the report as JSON to this file");
  app.add_option("--allow-error", o.allowed_errors,
                 "An error kind (http_504, grpc_DEADLINE_EXCEEDED, ...) that does not fail the "
                 "run; repeatable");
  add_call_options(app, o.call);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  if (o.call.text.empty()) o.call.text = kTypicalText;
  if (o.call.api_key.empty())
    if (const char* key = std::getenv("CHATTERBOX_API_KEY")) o.call.api_key = key;
  return o;
}

}  // namespace chatterbox::load
