#include "server/grpc/health_service.h"

#include <chrono>
#include <utility>

namespace chatterbox::server {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

HealthService::HealthService() {
  serving_[""] = false;
}

void HealthService::set_status(const std::string& service, bool serving) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    serving_[service] = serving;
  }
  changed_.notify_all();
}

void HealthService::set_all(bool serving) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& entry : serving_) entry.second = serving;
  }
  changed_.notify_all();
}

void HealthService::follow(Source source) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    source_ = std::move(source);
  }
  changed_.notify_all();
}

void HealthService::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    shut_down_ = true;
  }
  changed_.notify_all();
}

HealthService::ServingStatus HealthService::status_locked(const std::string& service) const {
  auto it = serving_.find(service);
  if (it == serving_.end()) return HealthCheckResponse::SERVICE_UNKNOWN;
  const bool serving = source_ ? source_(service) : it->second;
  return serving && !shut_down_ ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
}

HealthService::ServingStatus HealthService::status(const std::string& service) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return status_locked(service);
}

grpc::Status HealthService::Check(grpc::ServerContext*, const HealthCheckRequest* request,
                                  HealthCheckResponse* response) {
  const ServingStatus s = status(request->service());
  if (s == HealthCheckResponse::SERVICE_UNKNOWN)
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "unknown service '" + request->service() + "'");
  response->set_status(s);
  return grpc::Status::OK;
}

grpc::Status HealthService::Watch(grpc::ServerContext* context, const HealthCheckRequest* request,
                                  grpc::ServerWriter<HealthCheckResponse>* writer) {
  std::unique_lock<std::mutex> lock(mutex_);
  bool first = true;
  ServingStatus sent = HealthCheckResponse::UNKNOWN;
  while (true) {
    const ServingStatus now = status_locked(request->service());
    if (first || now != sent) {
      HealthCheckResponse response;
      response.set_status(now);
      lock.unlock();
      const bool ok = writer->Write(response);
      lock.lock();
      if (!ok) return grpc::Status::CANCELLED;
      sent = now;
      first = false;
      continue;  // look again before ending or waiting: it may have changed while writing
    }
    if (shut_down_) return grpc::Status::OK;
    if (context->IsCancelled()) return grpc::Status::CANCELLED;
    // A cancelled call wakes nobody: look again every 100 ms.
    changed_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

}  // namespace chatterbox::server
