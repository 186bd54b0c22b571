#include <cstdlib>
#include <memory>
#include <sstream>

#include "engine/common/error.h"
#include "engine/common/variant.h"
#include "engine/pipeline/precision.h"
#include "server/commands/command.h"
#include "server/commands/model_options.h"
#include "server/commands/server_app.h"

namespace chatterbox::server {
namespace {

struct ServeFlags {
  std::string config_file;
  ModelOptions model;
  std::string model_name, precision = "auto";
  ServerConfig values;  // the flags' values; only those given override the config file
  std::string ports_file;
};

std::vector<std::string> split_devices(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// The flags that were given, over the config file's values.
ServerConfig merged_config(const ServeFlags& f, const CLI::App& cmd) {
  ServerConfig c = f.config_file.empty() ? ServerConfig{} : load_server_config(f.config_file);
  const ServerConfig& v = f.values;
  auto given = [&](const char* flag) { return cmd.count(flag) > 0; };
  if (given("--http-listen")) c.http_listen = v.http_listen;
  if (given("--grpc-listen")) c.grpc_listen = v.grpc_listen;
  if (given("--wyoming-listen")) c.wyoming_listen = v.wyoming_listen;
  if (given("--max-slots")) c.max_slots = v.max_slots;
  if (given("--max-queue")) c.max_queue = v.max_queue;
  if (given("--first-chunk-tokens")) c.first_chunk_tokens = v.first_chunk_tokens;
  if (given("--chunk-growth")) c.chunk_growth = v.chunk_growth;
  if (given("--http-threads")) c.http_threads = v.http_threads;
  if (given("--max-input-chars")) c.limits.max_input_chars = v.limits.max_input_chars;
  if (given("--max-body-bytes")) c.limits.max_body_bytes = v.limits.max_body_bytes;
  if (given("--max-upload-bytes")) c.limits.max_reference_bytes = v.limits.max_reference_bytes;
  if (given("--max-clip-seconds")) c.max_clip_seconds = v.max_clip_seconds;
  if (given("--voice-dir")) c.voice_dir = v.voice_dir;
  if (given("--shutdown-grace")) c.shutdown_grace_seconds = v.shutdown_grace_seconds;
  if (given("--api-key"))
    c.api_key = v.api_key;
  else if (const char* key = std::getenv("CHATTERBOX_API_KEY"); key && *key)
    c.api_key = key;
  if (!f.model.model_dir.empty()) {
    runtime::ModelSpec spec;
    spec.name = f.model_name;
    spec.variant = parse_variant(f.model.variant);
    spec.checkpoint_dir = f.model.model_dir;
    spec.devices = split_devices(f.model.device);
    spec.precision = pipeline::parse_precision(f.precision);
    spec.multilingual_t3 = f.model.multilingual_t3;
    spec.engine.max_slots = 0;
    spec.engine.max_queue = 0;
    c.models.push_back(spec);
  }
  finish_server_config(c);
  return c;
}

void add_serve_flags(CLI::App* cmd, ServeFlags& f) {
  ServerConfig& v = f.values;
  cmd->add_option("--config", f.config_file, "JSON config file (models, listen addresses, limits)");
  add_model_options(cmd, f.model, /*model_dir_required=*/false);
  cmd->add_option("--model-name", f.model_name, "Name of the --model-dir model (default: variant)");
  cmd->add_option("--precision", f.precision,
                  "T3's precision: auto (bf16 on CUDA, fp32 elsewhere), fp32, bf16, fp16 or int8 "
                  "(CPU: int8 weights for T3's decode steps)")
      ->capture_default_str();
  cmd->add_option("--http-listen", v.http_listen, "REST address host:port (empty: no REST)")
      ->capture_default_str();
  cmd->add_option("--grpc-listen", v.grpc_listen, "gRPC address host:port (empty: no gRPC)")
      ->capture_default_str();
  cmd->add_option("--wyoming-listen", v.wyoming_listen,
                  "Wyoming (Home Assistant) address host:port, usually :10200 (default: off)");
  cmd->add_option("--max-slots", v.max_slots, "Requests decoded together per model instance")
      ->capture_default_str();
  cmd->add_option("--max-queue", v.max_queue, "Requests waiting per instance (beyond: 429)")
      ->capture_default_str();
  cmd->add_option("--first-chunk-tokens", v.first_chunk_tokens,
                  "Speech tokens in a stream's first audio chunk (latency: 25 a second of audio)")
      ->capture_default_str();
  cmd->add_option("--chunk-growth", v.chunk_growth,
                  "Each later chunk this many times the one before, up to 100 tokens (larger: "
                  "less work a stream, needs a faster device); 0: 4 on CUDA, 2 elsewhere")
      ->capture_default_str();
  cmd->add_option("--http-threads", v.http_threads, "REST worker threads (open streams at most)")
      ->capture_default_str();
  cmd->add_option("--max-input-chars", v.limits.max_input_chars, "Longest text (characters)")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", v.limits.max_body_bytes, "Largest request body")
      ->capture_default_str();
  cmd->add_option("--max-upload-bytes", v.limits.max_reference_bytes, "Largest reference clip")
      ->capture_default_str();
  cmd->add_option("--max-clip-seconds", v.max_clip_seconds, "Longest reference clip")
      ->capture_default_str();
  cmd->add_option("--voice-dir", v.voice_dir, "Voice library directory")->capture_default_str();
  cmd->add_option("--api-key", v.api_key,
                  "Require 'Authorization: Bearer KEY' (default: $CHATTERBOX_API_KEY)");
  cmd->add_option("--shutdown-grace", v.shutdown_grace_seconds,
                  "Seconds streams get to finish after SIGTERM before they are cancelled")
      ->capture_default_str();
  cmd->add_option("--ports-file", f.ports_file,
                  "Write {\"http\": port, \"grpc\": port, \"wyoming\": port} here once listening");
}

}  // namespace

CommandRunner add_serve_command(CLI::App& app, const GlobalOptions&) {
  auto f = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand("serve", "Serve the models over REST and gRPC");
  add_serve_flags(cmd, *f);
  return [cmd, f]() {
    if (!*cmd) return -1;
    ServeOptions options;
    options.config = merged_config(*f, *cmd);
    options.ports_file = f->ports_file;
    ShutdownSignal signal;
    return run_server(options, signal);
  };
}

}  // namespace chatterbox::server
