#pragma once
// chatterboxd serve's life: the transports start first (so that health answers NOT_SERVING and
// /ready 503 while the models load), then the models load and warm up in the background;
// health follows the registry; a SIGTERM or SIGINT drains: no new requests, health
// NOT_SERVING, streams get the grace period to finish, then are cancelled.

#include <string>

#include "server/server_config.h"
#include "server/shutdown_signal.h"

namespace chatterbox::server {

struct ServeOptions {
  ServerConfig config;
  std::string ports_file;  // written once listening: {"http", "grpc", "wyoming": port (0: off)}
};

// Returns the process exit status.
int run_server(const ServeOptions& options, ShutdownSignal& signal);

}  // namespace chatterbox::server
