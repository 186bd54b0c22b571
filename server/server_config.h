#pragma once
// What `chatterboxd serve` runs with: the models, the listen addresses, the engine's slot and
// queue sizes, the request limits, the voice library, the API key and the shutdown grace. Read
// from an optional JSON config file, then overridden by the command line's flags.
//
// Config file (every key optional):
//   {"http_listen": "127.0.0.1:8000", "grpc_listen": "127.0.0.1:50051", "wyoming_listen": "",
//    "voice_dir": "var/voices", "api_key": "...", "max_slots": 4, "max_queue": 64,
//    "first_chunk_tokens": 12, "chunk_growth": 0, "http_threads": 32,
//    "shutdown_grace_seconds": 10,
//    "limits": {"max_input_chars": 4096, "max_body_bytes": 33554432,
//               "max_upload_bytes": 20971520, "max_clip_seconds": 60},
//    "models": [{"name": "nano", "variant": "nano", "checkpoint_dir": "var/models/nano",
//                "devices": ["cpu"], "precision": "auto", "multilingual_t3": "v2",
//                "max_slots": 4, "max_queue": 64, "load_at_start": true,
//                "idle_unload_seconds": 0}]}

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/runtime/registry.h"
#include "server/speech_request.h"

namespace chatterbox::server {

struct ServerConfig {
  std::vector<runtime::ModelSpec> models;
  std::string http_listen = "127.0.0.1:8000";   // empty: no REST server
  std::string grpc_listen = "127.0.0.1:50051";  // empty: no gRPC server
  std::string wyoming_listen;                   // empty: no Wyoming server (Home Assistant)
  int64_t max_slots = 4;
  int64_t max_queue = 64;
  // Streams' audio chunks (every model): the first one's speech tokens, and how many times the
  // one before each later chunk is (0: the device's default; runtime::EngineOptions).
  int64_t first_chunk_tokens = runtime::EngineOptions{}.first_chunk_tokens;
  int64_t chunk_growth = runtime::EngineOptions{}.chunk_growth;
  int http_threads = 32;
  RequestLimits limits;            // body, text and reference clip sizes
  double max_clip_seconds = 60.0;  // reference clips (voice uploads, one-off cloning)
  std::string voice_dir = "var/voices";
  std::string api_key;  // non-empty: every API call needs "Authorization: Bearer <key>"
  double shutdown_grace_seconds = 10.0;
};

// Throws Error(kInvalidArgument) naming the bad key.
ServerConfig parse_server_config(const nlohmann::json& object);
ServerConfig load_server_config(const std::string& path);

// One model spec from its config object (also used for the command line's single model).
runtime::ModelSpec parse_model_spec(const nlohmann::json& object, const ServerConfig& defaults);

struct ListenAddress {
  std::string host;
  int port = 0;
};
// "host:port", "[::1]:port" or ":port" (127.0.0.1); kInvalidArgument otherwise.
ListenAddress parse_listen_address(const std::string& text);

// Copies the server-wide slot and queue sizes into models that set none of their own, checks
// the whole (at least one model, unique names, positive limits).
void finish_server_config(ServerConfig& config);

}  // namespace chatterbox::server
