#include "server/status_json.h"

#include <map>

#include "server/version.h"

namespace chatterbox::server {

const char* pattern_model_note() {
  return "pattern model: its weights are patterns, so its audio is noise (not speech)";
}

nlohmann::json instance_status_json(const runtime::InstanceStatus& s) {
  nlohmann::json components = nlohmann::json::array();
  for (const auto& c : s.components)
    components.push_back({{"name", c.name},
                          {"requested_device", c.requested_device},
                          {"active_device", c.active_device},
                          {"dtype", c.dtype},
                          {"fallback", !c.fallback_reason.empty()},
                          {"fallback_reason", c.fallback_reason}});
  return {{"name", s.name},
          {"replica", s.replica},
          {"variant", s.variant},
          {"checkpoint_dir", s.checkpoint_dir},
          {"pattern_model", s.pattern_model},
          {"state", runtime::instance_state_name(s.state)},
          {"warm", s.warm},
          {"error", s.error},
          {"components", components},
          {"queue_depth", s.queue_depth},
          {"active_streams", s.active_streams},
          {"max_slots", s.max_slots},
          {"kv_cache_bytes", s.kv_cache_bytes},
          {"host_memory_bytes", s.host_memory_bytes},
          {"device_memory_bytes", s.device_memory_bytes},
          {"uptime_seconds", s.uptime_seconds},
          {"requests_completed", s.requests_completed},
          {"engine_heartbeat_age_seconds", s.heartbeat_age_seconds}};
}

nlohmann::json health_json(const std::vector<runtime::InstanceStatus>& instances, bool draining) {
  std::map<std::string, nlohmann::json> models;
  std::vector<std::string> order;
  bool all_ready = !instances.empty(), any_failed = false;
  for (const auto& s : instances) {
    if (!models.count(s.name)) {
      order.push_back(s.name);
      models[s.name] = {{"name", s.name},
                        {"variant", s.variant},
                        {"ready", false},
                        {"pattern_model", false},
                        {"instances", nlohmann::json::array()}};
    }
    nlohmann::json& m = models[s.name];
    m["ready"] = m["ready"].get<bool>() || s.state == runtime::InstanceState::kReady;
    m["pattern_model"] = m["pattern_model"].get<bool>() || s.pattern_model;
    m["instances"].push_back(instance_status_json(s));
    any_failed |= s.state == runtime::InstanceState::kFailed;
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& name : order) {
    nlohmann::json& m = models[name];
    all_ready = all_ready && m["ready"].get<bool>();
    if (m["pattern_model"].get<bool>()) m["note"] = pattern_model_note();
    list.push_back(m);
  }
  const char* status = draining     ? "shutting_down"
                       : all_ready  ? "ok"
                       : any_failed ? "failed"
                                    : "loading";
  return {{"status", status},
          {"ready", all_ready && !draining},
          {"version", kVersion},
          {"models", list}};
}

}  // namespace chatterbox::server
