#include "server/server_config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "engine/common/error.h"
#include "engine/common/variant.h"
#include "engine/pipeline/precision.h"
#include "engine/pipeline/speech_stream.h"

namespace chatterbox::server {
namespace {

[[noreturn]] void bad(const std::string& key, const std::string& why) {
  fail(ErrorCode::kInvalidArgument, "config: '" + key + "' " + why);
}

template <typename T>
void read(const nlohmann::json& object, const char* key, T& out, const std::string& where = "") {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return;
  try {
    out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    bad(where + key, std::string("has the wrong type (") + it->type_name() + ")");
  }
}

void require_object(const nlohmann::json& value, const std::string& what) {
  if (!value.is_object())
    fail(ErrorCode::kInvalidArgument, "config: " + what + " must be an object");
}

void check_keys(const nlohmann::json& object, const std::set<std::string>& known,
                const std::string& where) {
  for (auto it = object.begin(); it != object.end(); ++it)
    if (!known.count(it.key())) bad(where + it.key(), "is not a known key");
}

void parse_limits(const nlohmann::json& object, ServerConfig& config) {
  require_object(object, "'limits'");
  check_keys(object, {"max_input_chars", "max_body_bytes", "max_upload_bytes", "max_clip_seconds"},
             "limits.");
  read(object, "max_input_chars", config.limits.max_input_chars, "limits.");
  read(object, "max_body_bytes", config.limits.max_body_bytes, "limits.");
  read(object, "max_upload_bytes", config.limits.max_reference_bytes, "limits.");
  read(object, "max_clip_seconds", config.max_clip_seconds, "limits.");
}

}  // namespace

runtime::ModelSpec parse_model_spec(const nlohmann::json& object, const ServerConfig&) {
  require_object(object, "each of 'models'");
  check_keys(object,
             {"name", "variant", "checkpoint_dir", "devices", "device", "precision",
              "multilingual_t3", "max_slots", "max_queue", "load_at_start", "idle_unload_seconds"},
             "models[].");
  runtime::ModelSpec spec;
  std::string variant = "original";
  read(object, "variant", variant, "models[].");
  spec.variant = parse_variant(variant);
  read(object, "name", spec.name, "models[].");
  read(object, "checkpoint_dir", spec.checkpoint_dir, "models[].");
  if (object.contains("device")) {
    std::string device;
    read(object, "device", device, "models[].");
    spec.devices = {device};
  }
  read(object, "devices", spec.devices, "models[].");
  std::string precision = pipeline::precision_name(spec.precision);
  read(object, "precision", precision, "models[].");
  try {
    spec.precision = pipeline::parse_precision(precision);
  } catch (const Error&) {
    bad("models[].precision", "must be auto, fp32, bf16, fp16 or int8, not \"" + precision + "\"");
  }
  read(object, "multilingual_t3", spec.multilingual_t3, "models[].");
  read(object, "load_at_start", spec.load_at_start, "models[].");
  read(object, "idle_unload_seconds", spec.idle_unload_seconds, "models[].");
  // 0: the server-wide value (finish_server_config).
  spec.engine.max_slots = 0;
  spec.engine.max_queue = 0;
  read(object, "max_slots", spec.engine.max_slots, "models[].");
  read(object, "max_queue", spec.engine.max_queue, "models[].");
  if (spec.checkpoint_dir.empty()) bad("models[].checkpoint_dir", "is required");
  return spec;
}

ServerConfig parse_server_config(const nlohmann::json& object) {
  require_object(object, "the config file");
  check_keys(object,
             {"http_listen", "grpc_listen", "voice_dir", "api_key", "max_slots", "max_queue",
              "first_chunk_tokens", "chunk_growth", "http_threads", "shutdown_grace_seconds",
              "limits", "models", "wyoming_listen"},
             "");
  ServerConfig config;
  read(object, "http_listen", config.http_listen);
  read(object, "grpc_listen", config.grpc_listen);
  read(object, "wyoming_listen", config.wyoming_listen);
  read(object, "voice_dir", config.voice_dir);
  read(object, "api_key", config.api_key);
  read(object, "max_slots", config.max_slots);
  read(object, "max_queue", config.max_queue);
  read(object, "first_chunk_tokens", config.first_chunk_tokens);
  read(object, "chunk_growth", config.chunk_growth);
  read(object, "http_threads", config.http_threads);
  read(object, "shutdown_grace_seconds", config.shutdown_grace_seconds);
  if (object.contains("limits")) parse_limits(object["limits"], config);
  if (object.contains("models")) {
    if (!object["models"].is_array()) bad("models", "must be an array");
    for (const auto& model : object["models"])
      config.models.push_back(parse_model_spec(model, config));
  }
  return config;
}

ServerConfig load_server_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(ErrorCode::kNotFound, "cannot read the config file " + path);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json object;
  try {
    object = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::kInvalidArgument, "config file " + path + " is not JSON: " + e.what());
  }
  return parse_server_config(object);
}

ListenAddress parse_listen_address(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    fail(ErrorCode::kInvalidArgument, "listen address '" + text + "' must be host:port");
  ListenAddress address;
  address.host = text.substr(0, colon);
  if (address.host.size() >= 2 && address.host.front() == '[' && address.host.back() == ']')
    address.host = address.host.substr(1, address.host.size() - 2);
  if (address.host.empty()) address.host = "127.0.0.1";
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    fail(ErrorCode::kInvalidArgument, "listen address '" + text + "' has a bad port");
  address.port = std::stoi(port);
  if (address.port > 65535)
    fail(ErrorCode::kInvalidArgument, "listen address '" + text + "' has a bad port");
  return address;
}

void finish_server_config(ServerConfig& config) {
  if (config.models.empty())
    fail(ErrorCode::kInvalidArgument,
         "no model to serve: give --model-dir DIR (with --variant and --device) or a config file "
         "with \"models\"");
  if (config.max_slots < 1) bad("max_slots", "must be at least 1");
  if (config.max_queue < 0) bad("max_queue", "must not be negative");
  const int64_t max_chunk = runtime::EngineOptions{}.max_chunk_tokens;
  if (config.first_chunk_tokens < 1 || config.first_chunk_tokens > max_chunk)
    bad("first_chunk_tokens", "must be from 1 to " + std::to_string(max_chunk));
  const int64_t max_growth = pipeline::StreamSchedule::kMaxGrowth;
  if (config.chunk_growth < 0 || config.chunk_growth > max_growth)
    bad("chunk_growth",
        "must be from 1 to " + std::to_string(max_growth) + ", or 0 for the device's default");
  if (config.http_threads < 2) bad("http_threads", "must be at least 2");
  if (config.shutdown_grace_seconds < 0) bad("shutdown_grace_seconds", "must not be negative");
  if (config.limits.max_input_chars < 1) bad("limits.max_input_chars", "must be at least 1");
  if (config.max_clip_seconds <= 0) bad("limits.max_clip_seconds", "must be positive");
  std::set<std::string> names;
  for (auto& spec : config.models) {
    if (spec.name.empty()) spec.name = variant_name(spec.variant);
    if (!names.insert(spec.name).second) bad("models[].name", "'" + spec.name + "' is given twice");
    if (spec.engine.max_slots <= 0) spec.engine.max_slots = config.max_slots;
    if (spec.engine.max_queue <= 0) spec.engine.max_queue = config.max_queue;
    spec.engine.first_chunk_tokens = config.first_chunk_tokens;
    spec.engine.chunk_growth = config.chunk_growth;
    spec.engine.max_request_chars = std::max<int64_t>(
        spec.engine.max_request_chars, static_cast<int64_t>(config.limits.max_input_chars));
  }
}

}  // namespace chatterbox::server
