#include "server/service_notifier.h"

#include <cstdlib>

#include "engine/log/log.h"
#ifdef CHATTERBOX_WITH_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace chatterbox::server {

#ifdef CHATTERBOX_WITH_SYSTEMD

ServiceNotifier::ServiceNotifier() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) {
    watchdog_ = std::chrono::microseconds(usec);
    log::info("systemd watchdog: pings every " + std::to_string(usec / 2000) +
              " ms while every engine loop turns");
  }
}

void ServiceNotifier::send(const std::string& state) {
  if (const int rc = sd_notify(0, state.c_str()); rc < 0)
    log::warn("sd_notify(" + state + ") failed: error " + std::to_string(-rc));
}

#else

ServiceNotifier::ServiceNotifier() {
  if (const char* socket = std::getenv("NOTIFY_SOCKET"); socket && *socket)
    log::warn(
        "NOTIFY_SOCKET is set but this build has no libsystemd: no READY=1 or watchdog "
        "pings will be sent (use Type=simple, or build with libsystemd-dev)");
}

void ServiceNotifier::send(const std::string&) {}

#endif

}  // namespace chatterbox::server
