#include "server/engine_stall.h"

#include <cstdio>

namespace chatterbox::server {

std::vector<std::string> stalled_engines(const std::vector<runtime::InstanceStatus>& instances,
                                         double limit_seconds) {
  std::vector<std::string> out;
  for (const auto& s : instances) {
    if (s.heartbeat_age_seconds < 0 || s.heartbeat_age_seconds <= limit_seconds) continue;
    char age[32];
    std::snprintf(age, sizeof age, "%.1f s", s.heartbeat_age_seconds);
    out.push_back(s.name + "[" + std::to_string(s.replica) + "] (" + age + ")");
  }
  return out;
}

}  // namespace chatterbox::server
