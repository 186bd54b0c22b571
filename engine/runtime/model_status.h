#pragma once
// What a health check says of one model instance (DESIGN.md, Devices; issue "serving engine").

#include <cstdint>
#include <string>
#include <vector>

namespace chatterbox::runtime {

struct ComponentStatus {
  std::string name;              // "t3", "s3gen_flow", "hift", "voice_encoder", "reference"
  std::string requested_device;  // as asked ("auto", "cuda:1", ...)
  std::string active_device;     // where it runs ("cpu", "cuda:0", "mps")
  std::string dtype;             // "float32", "bfloat16", ...
  std::string fallback_reason;   // empty when the request was met
};

enum class InstanceState { kUnloaded, kLoading, kWarmingUp, kReady, kFailed };
const char* instance_state_name(InstanceState state);

struct InstanceStatus {
  std::string name;    // the model's name (default: its variant)
  int replica = 0;     // index in the model's device list
  std::string device;  // the device it was given ("cuda:0", "cpu", ...: "auto" expanded)
  std::string variant;
  std::string checkpoint_dir;
  bool pattern_model = false;  // weights are patterns: its audio is noise
  InstanceState state = InstanceState::kUnloaded;
  bool warm = false;
  std::string error;  // why it failed to load or warm up
  std::vector<ComponentStatus> components;
  int64_t queue_depth = 0;
  int64_t active_streams = 0;
  int64_t max_slots = 0;
  int64_t kv_cache_bytes = 0;
  int64_t host_memory_bytes = 0;     // resident set of the process
  int64_t device_memory_bytes = -1;  // -1 where libtorch cannot say
  double uptime_seconds = 0;         // since it became ready
  int64_t requests_completed = 0;
  double heartbeat_age_seconds = -1;  // since its engine loop last turned; -1: no engine runs
};

}  // namespace chatterbox::runtime
