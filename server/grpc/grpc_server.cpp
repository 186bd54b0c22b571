#include "server/grpc/grpc_server.h"

#include "engine/common/error.h"
#include "engine/log/log.h"

namespace chatterbox::server {

GrpcServer::GrpcServer(TransportCore& core) : tts_(core) {}

GrpcServer::~GrpcServer() {
  shutdown(std::chrono::system_clock::now());
}

int GrpcServer::start(const ListenAddress& address) {
  const std::string host =
      address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host;
  const std::string target = host + ":" + std::to_string(address.port);
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(target, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&tts_);
  builder.RegisterService(&health_);
  server_ = builder.BuildAndStart();
  if (!server_ || port == 0)
    fail(ErrorCode::kUnavailable,
         "cannot listen for gRPC on " + target + " (address in use or not local?)");
  log::info("gRPC listening on " + host + ":" + std::to_string(port));
  return port;
}

void GrpcServer::shutdown(std::chrono::system_clock::time_point deadline) {
  health_.shutdown();
  if (!server_) return;
  server_->Shutdown(deadline);
  server_->Wait();
  server_.reset();
}

}  // namespace chatterbox::server
