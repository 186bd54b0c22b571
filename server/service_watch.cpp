#include "server/service_watch.h"

#include "engine/log/log.h"
#include "server/engine_stall.h"

namespace chatterbox::server {
namespace {

std::string where(const runtime::InstanceStatus& s) {
  return s.components.empty() ? s.device : s.components.front().active_device;
}

std::string instance_line(const runtime::InstanceStatus& s) {
  switch (s.state) {
    case runtime::InstanceState::kLoading:
      return "loading model " + s.name + " on " + where(s);
    case runtime::InstanceState::kWarmingUp:
      return "warming " + s.name + " on " + where(s);
    case runtime::InstanceState::kFailed:
      return "model " + s.name + " on " + where(s) + " failed: " + s.error;
    case runtime::InstanceState::kUnloaded:
      return "model " + s.name + " on " + where(s) + " not loaded";
    case runtime::InstanceState::kReady:
      break;
  }
  return "";
}

std::string serving_line(const std::vector<runtime::InstanceStatus>& instances) {
  std::vector<std::string> names;
  std::string list;
  for (const auto& s : instances) {
    bool seen = false;
    for (const auto& n : names) seen = seen || n == s.name;
    if (!seen) names.push_back(s.name);
    list += (list.empty() ? "" : ", ") + s.name + " on " + where(s);
  }
  return "serving " + std::to_string(names.size()) +
         (names.size() == 1 ? " model: " : " models: ") + list;
}

}  // namespace

std::string service_status_line(const std::vector<runtime::InstanceStatus>& instances) {
  std::string pending;
  for (const auto& s : instances) {
    const std::string line = instance_line(s);
    if (!line.empty()) pending += (pending.empty() ? "" : "; ") + line;
  }
  if (instances.empty()) return "no models";
  return pending.empty() ? serving_line(instances) : pending;
}

ServiceWatch::ServiceWatch(Send send, std::chrono::microseconds watchdog_interval)
    : send_(std::move(send)), interval_(watchdog_interval) {}

void ServiceWatch::update(const std::vector<runtime::InstanceStatus>& instances, bool ready,
                          runtime::Clock::time_point now) {
  const std::string status = service_status_line(instances);
  if (status != status_) {
    status_ = status;
    send_("STATUS=" + status);
  }
  if (ready && !ready_sent_) {
    ready_sent_ = true;
    send_("READY=1");
  }
  ping_if_alive(instances, now);
}

// Pings at half the interval while no engine loop has been stuck for the whole interval.
void ServiceWatch::ping_if_alive(const std::vector<runtime::InstanceStatus>& instances,
                                 runtime::Clock::time_point now) {
  if (interval_.count() <= 0 || now - last_ping_ < interval_ / 2) return;
  const auto stalled = stalled_engines(instances, std::chrono::duration<double>(interval_).count());
  if (!stalled.empty()) {
    if (!stalled_) {
      std::string names;
      for (const auto& s : stalled) names += (names.empty() ? "" : ", ") + s;
      log::error("engine loop stuck: " + names + "; withholding watchdog pings");
    }
    stalled_ = true;
    return;
  }
  if (stalled_) log::info("every engine loop turns again; watchdog pings resume");
  stalled_ = false;
  last_ping_ = now;
  send_("WATCHDOG=1");
}

void ServiceWatch::stopping(const std::string& status) {
  send_("STOPPING=1\nSTATUS=" + status);
}

}  // namespace chatterbox::server
