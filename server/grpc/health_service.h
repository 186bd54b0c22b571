#pragma once
// grpc.health.v1.Health (grpc/grpc doc/health-checking.md) with a status per service name:
// "" is the server as a whole. Check answers NOT_FOUND for an unknown service; Watch sends the
// current status at once (SERVICE_UNKNOWN for an unknown one) and then every change, until the
// client goes away or shutdown(). Our own rather than grpc++'s default service, so that the
// statuses are ours to set and Watch ends cleanly at shutdown.

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"

namespace chatterbox::server {

class HealthService final : public grpc::health::v1::Health::Service {
 public:
  using ServingStatus = grpc::health::v1::HealthCheckResponse::ServingStatus;
  // Whether a known service serves now, asked at every Check and Watch look, so that gRPC
  // health never lags what the server's other transports answer from the same state.
  using Source = std::function<bool(const std::string& service)>;

  // "" starts NOT_SERVING: the server is not ready until its models are warm.
  HealthService();

  void set_status(const std::string& service, bool serving);
  // Every known service, "" included.
  void set_all(bool serving);
  // From now on a known service's status is source's answer; set_status then only makes a
  // service known and wakes watches.
  void follow(Source source);
  // Everything NOT_SERVING from now on, whatever is set later; open watches end.
  void shutdown();
  // nullopt-like: SERVICE_UNKNOWN when the service was never set.
  ServingStatus status(const std::string& service) const;

  grpc::Status Check(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::health::v1::HealthCheckResponse* response) override;
  grpc::Status Watch(grpc::ServerContext* context,
                     const grpc::health::v1::HealthCheckRequest* request,
                     grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) override;

 private:
  ServingStatus status_locked(const std::string& service) const;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, bool> serving_;
  Source source_;
  bool shut_down_ = false;
};

}  // namespace chatterbox::server
