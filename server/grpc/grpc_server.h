#pragma once
// The gRPC server: chatterbox.v1.TextToSpeech and grpc.health.v1.Health on one port.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

#include "server/grpc/health_service.h"
#include "server/grpc/tts_service.h"
#include "server/server_config.h"

namespace chatterbox::server {

class GrpcServer {
 public:
  explicit GrpcServer(TransportCore& core);
  ~GrpcServer();

  // Binds and serves (kUnavailable when it cannot). Returns the port (chosen when 0 is given).
  int start(const ListenAddress& address);
  HealthService& health() { return health_; }
  // Health NOT_SERVING (frozen), no new calls; calls in flight get until `deadline`, then are
  // cancelled. Blocks until done.
  void shutdown(std::chrono::system_clock::time_point deadline);

 private:
  TtsService tts_;
  HealthService health_;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace chatterbox::server
