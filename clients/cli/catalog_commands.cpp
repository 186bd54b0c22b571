#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"

namespace chatterbox::cli {
namespace {

int models(const ConnectionOptions& connection) {
  Connection link(connection);
  v1::ListModelsResponse response;
  const grpc::Status status = link.tts().ListModels(link.context().get(), {}, &response);
  if (!status.ok()) return report(status);
  for (const auto& m : response.models())
    std::printf("%s\tvariant=%s\tready=%s\tsample_rate=%d\n", m.name().c_str(), m.variant().c_str(),
                m.ready() ? "yes" : "no", m.sample_rate());
  return 0;
}

int voices(const ConnectionOptions& connection, const std::string& model) {
  Connection link(connection);
  v1::ListVoicesRequest request;
  request.set_model(model);
  v1::ListVoicesResponse response;
  const grpc::Status status = link.tts().ListVoices(link.context().get(), request, &response);
  if (!status.ok()) return report(status);
  for (const auto& v : response.voices())
    std::printf("%s\tvariant=%s\tsource_seconds=%.2f\tcreated=%s\n", v.name().c_str(),
                v.variant().c_str(), v.source_seconds(), v.created().c_str());
  return 0;
}

void print_instance(const v1::InstanceStatus& s) {
  std::printf("model %s replica %d: variant=%s state=%s warm=%s pattern_model=%s%s\n",
              s.name().c_str(), s.replica(), s.variant().c_str(),
              v1::InstanceStatus::State_Name(s.state()).c_str(), s.warm() ? "yes" : "no",
              s.pattern_model() ? "yes" : "no", s.pattern_model() ? " (its audio is noise)" : "");
  if (!s.error().empty()) std::printf("  error: %s\n", s.error().c_str());
  std::printf("  queue_depth=%lld active_streams=%lld max_slots=%lld completed=%lld\n",
              static_cast<long long>(s.queue_depth()), static_cast<long long>(s.active_streams()),
              static_cast<long long>(s.max_slots()),
              static_cast<long long>(s.requests_completed()));
  for (const auto& c : s.components())
    std::printf("  %s: requested=%s active=%s dtype=%s%s%s\n", c.name().c_str(),
                c.requested_device().c_str(), c.active_device().c_str(), c.dtype().c_str(),
                c.fallback_reason().empty() ? "" : " fallback: ", c.fallback_reason().c_str());
}

int status(const ConnectionOptions& connection) {
  Connection link(connection);
  v1::GetStatusResponse response;
  const grpc::Status status = link.tts().GetStatus(link.context().get(), {}, &response);
  if (!status.ok()) return report(status);
  std::printf("chatterboxd %s: %s\n", response.version().c_str(),
              response.ready() ? "ready" : "not ready");
  for (const auto& s : response.instances()) print_instance(s);
  return 0;
}

// Exit 0 when SERVING, 1 otherwise.
int health(const ConnectionOptions& connection, const std::string& service) {
  Connection link(connection);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = link.health().Check(link.context().get(), request, &response);
  if (!status.ok()) return report(status);
  std::printf("%s\n",
              grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()).c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace

Runner add_models(CLI::App& app, const ConnectionOptions& connection) {
  auto* cmd = app.add_subcommand("models", "List the served models");
  return [cmd, &connection]() { return *cmd ? models(connection) : -1; };
}

Runner add_voices(CLI::App& app, const ConnectionOptions& connection) {
  auto model = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("voices", "List the voice library");
  cmd->add_option("--model", *model, "Only voices this model can use");
  return [cmd, model, &connection]() { return *cmd ? voices(connection, *model) : -1; };
}

Runner add_status(CLI::App& app, const ConnectionOptions& connection) {
  auto* cmd = app.add_subcommand("status", "Every model instance: state, devices, fallbacks");
  return [cmd, &connection]() { return *cmd ? status(connection) : -1; };
}

Runner add_health(CLI::App& app, const ConnectionOptions& connection) {
  auto service = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("health", "grpc.health.v1 Check (exit 0 when SERVING)");
  cmd->add_option("--service", *service, "A model's name; empty: the whole server");
  return [cmd, service, &connection]() { return *cmd ? health(connection, *service) : -1; };
}

}  // namespace chatterbox::cli
