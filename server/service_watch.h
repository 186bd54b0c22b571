#pragma once
// What chatterboxd tells its service manager (sd_notify, deploy/systemd/chatterboxd.service):
// STATUS= lines while the models load and warm up ("loading model nano on cuda:0", "warming
// nano on cuda:0", "serving 1 model: nano on cuda:0"); READY=1 once, only when every model is
// warm; WATCHDOG=1 every half watchdog interval, but only while every running engine loop's
// heartbeat is younger than the interval, so that a stuck engine stops the pings and systemd
// restarts the service; STOPPING=1 when the drain starts.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "engine/runtime/model_status.h"
#include "engine/runtime/request.h"

namespace chatterbox::server {

// The STATUS= text for the instances as they are now.
std::string service_status_line(const std::vector<runtime::InstanceStatus>& instances);

class ServiceWatch {
 public:
  using Send = std::function<void(const std::string& state)>;
  // `watchdog_interval` zero: no WATCHDOG=1 pings.
  ServiceWatch(Send send, std::chrono::microseconds watchdog_interval);

  // From the serve loop, a few times a second. `ready`: every model warm.
  void update(const std::vector<runtime::InstanceStatus>& instances, bool ready,
              runtime::Clock::time_point now);
  void stopping(const std::string& status);

 private:
  void ping_if_alive(const std::vector<runtime::InstanceStatus>& instances,
                     runtime::Clock::time_point now);

  Send send_;
  std::chrono::microseconds interval_;
  std::string status_;
  bool ready_sent_ = false;
  bool stalled_ = false;
  runtime::Clock::time_point last_ping_{};
};

}  // namespace chatterbox::server
