#pragma once
// The service manager's notification protocol (sd_notify(3)): READY=1, STATUS=..., WATCHDOG=1,
// STOPPING=1 go to $NOTIFY_SOCKET through libsystemd where the build has it (the only code that
// links it). Without $NOTIFY_SOCKET (not started by systemd as Type=notify) every call does
// nothing; a build without libsystemd logs once that it cannot notify.

#include <chrono>
#include <string>

namespace chatterbox::server {

class ServiceNotifier {
 public:
  ServiceNotifier();
  // Sends one notification ("READY=1", "STATUS=warming nano", ...).
  void send(const std::string& state);
  // The interval systemd's watchdog wants pings within ($WATCHDOG_USEC, when $WATCHDOG_PID is
  // this process or unset); zero when no watchdog is on.
  std::chrono::microseconds watchdog_interval() const { return watchdog_; }

 private:
  std::chrono::microseconds watchdog_{0};
};

}  // namespace chatterbox::server
