#pragma once
// A stuck engine loop, told apart from a quiet one by its heartbeat (runtime::Engine turns or
// wakes up idle every 200 ms). The systemd watchdog pings and the liveness checks (/live and
// grpc.health.v1 "liveness") stop while any running engine's heartbeat is older than a limit.

#include <string>
#include <vector>

#include "engine/runtime/model_status.h"

namespace chatterbox::server {

// Liveness's limit: an engine turn (one T3 step and one S3Gen chunk) takes far less, even on
// a slow CPU.
constexpr double kLivenessStallSeconds = 60.0;

// "nano[0] (12.3 s)" for every instance with a running engine whose heartbeat is older than
// `limit_seconds`.
std::vector<std::string> stalled_engines(const std::vector<runtime::InstanceStatus>& instances,
                                         double limit_seconds);

}  // namespace chatterbox::server
