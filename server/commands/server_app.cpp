#include "server/commands/server_app.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "engine/common/error.h"
#include "engine/log/log.h"
#include "server/engine_stall.h"
#include "server/fault_injection.h"
#include "server/service_notifier.h"
#include "server/service_watch.h"
#include "server/status_json.h"
#include "server/transport_core.h"
#include "server/wyoming/wyoming_server.h"
#ifdef CHATTERBOX_WITH_HTTP
#include "server/http/http_server.h"
#endif
#ifdef CHATTERBOX_WITH_GRPC
#include "server/grpc/grpc_server.h"
#endif

namespace chatterbox::server {
namespace {

struct Transports {
#ifdef CHATTERBOX_WITH_HTTP
  std::unique_ptr<HttpServer> http;
#endif
#ifdef CHATTERBOX_WITH_GRPC
  std::unique_ptr<GrpcServer> grpc;
#endif
  std::unique_ptr<wyoming::WyomingServer> wyoming;
  int http_port = 0, grpc_port = 0, wyoming_port = 0;
};

void start_transports(const ServerConfig& config, TransportCore& core, Transports& t) {
  if (!config.http_listen.empty()) {
#ifdef CHATTERBOX_WITH_HTTP
    t.http = std::make_unique<HttpServer>(core);
    t.http_port = t.http->start(parse_listen_address(config.http_listen));
#else
    log::warn("this build has no REST server; --http-listen is ignored");
#endif
  }
  if (!config.grpc_listen.empty()) {
#ifdef CHATTERBOX_WITH_GRPC
    t.grpc = std::make_unique<GrpcServer>(core);
    t.grpc_port = t.grpc->start(parse_listen_address(config.grpc_listen));
#else
    log::warn("this build has no gRPC server; --grpc-listen is ignored");
#endif
  }
  if (!config.wyoming_listen.empty()) {
    t.wyoming = std::make_unique<wyoming::WyomingServer>(core);
    t.wyoming_port = t.wyoming->start(parse_listen_address(config.wyoming_listen));
  }
}

void write_ports_file(const std::string& path, const Transports& t) {
  if (path.empty()) return;
  const std::string text =
      nlohmann::json{{"http", t.http_port}, {"grpc", t.grpc_port}, {"wyoming", t.wyoming_port}}
          .dump();
  const std::string temporary = path + ".tmp";
  std::ofstream(temporary) << text << "\n";
  std::rename(temporary.c_str(), path.c_str());
}

// Logs what a person must know once the models settle: pattern models, device fallbacks.
void log_settled(const std::vector<runtime::InstanceStatus>& instances) {
  for (const auto& s : instances) {
    const std::string who = "model " + s.name + " (replica " + std::to_string(s.replica) + ")";
    if (s.state == runtime::InstanceState::kFailed) log::error(who + " failed: " + s.error);
    if (s.pattern_model) log::warn(who + " is a " + pattern_model_note());
    for (const auto& c : s.components)
      if (!c.fallback_reason.empty())
        log::warn(who + ": " + c.name + " runs on " + c.active_device + " instead of " +
                  c.requested_device + ": " + c.fallback_reason);
  }
}

#ifdef CHATTERBOX_WITH_GRPC
// grpc.health.v1's services besides the model names.
constexpr char kHealthServer[] = "";            // the server as a whole: /ready
constexpr char kHealthLiveness[] = "liveness";  // no engine loop stuck: /live

// gRPC health per service: the same answers as HTTP's /ready and /live, from the same state.
bool grpc_serving(TransportCore& core, const std::string& service) {
  if (service == kHealthServer) return core.ready();
  if (service == kHealthLiveness)
    return stalled_engines(core.registry().status(), kLivenessStallSeconds).empty();
  return core.registry().ready(service) && !core.draining();
}
#endif

// Makes every service known to gRPC health (which then follows grpc_serving) and wakes its
// watches on each look; logs the moment everything is ready.
class ReadinessWatch {
 public:
  ReadinessWatch(TransportCore& core, Transports& t) : core_(core), t_(t) {
#ifdef CHATTERBOX_WITH_GRPC
    if (t_.grpc)
      t_.grpc->health().follow(
          [&core](const std::string& service) { return grpc_serving(core, service); });
#endif
  }
  void update(const std::vector<runtime::InstanceStatus>& instances, bool ready) {
#ifdef CHATTERBOX_WITH_GRPC
    if (t_.grpc) {
      std::vector<std::string> services = core_.registry().model_names();
      services.insert(services.end(), {kHealthServer, kHealthLiveness});
      for (const auto& service : services)
        t_.grpc->health().set_status(service, grpc_serving(core_, service));
    }
#endif
    if (ready && !announced_) {
      announced_ = true;
      log_settled(instances);
      log::info("ready: every model is warm");
    }
  }

 private:
  TransportCore& core_;
  Transports& t_;
  bool announced_ = false;
};

void drain(const ServerConfig& config, runtime::Registry& registry, TransportCore& core,
           Transports& t, int signal_number) {
  const auto grace =
      std::chrono::milliseconds(static_cast<int64_t>(config.shutdown_grace_seconds * 1000));
  log::info("signal " + std::to_string(signal_number) + ": shutting down (streams get " +
            std::to_string(config.shutdown_grace_seconds) + " s to finish)");
  core.start_draining();
  std::thread grpc_stop;
#ifdef CHATTERBOX_WITH_GRPC
  if (t.grpc) {
    t.grpc->health().shutdown();
    const auto deadline = std::chrono::system_clock::now() + grace + std::chrono::seconds(2);
    grpc_stop = std::thread([&t, deadline] { t.grpc->shutdown(deadline); });
  }
#endif
#ifdef CHATTERBOX_WITH_HTTP
  if (t.http) t.http->stop();
#endif
  if (t.wyoming) t.wyoming->stop();
  registry.shutdown(grace);
  if (t.wyoming) t.wyoming->join();
#ifdef CHATTERBOX_WITH_HTTP
  if (t.http) t.http->join();
#endif
  if (grpc_stop.joinable()) grpc_stop.join();
  log::info("stopped");
}

}  // namespace

int run_server(const ServeOptions& options, ShutdownSignal& signal) {
  const ServerConfig& config = options.config;
  ServiceNotifier notifier;
  ServiceWatch service([&notifier](const std::string& state) { notifier.send(state); },
                       notifier.watchdog_interval());
  VoiceLibrary voices(config.voice_dir);
  ServerMetrics metrics;
  runtime::Registry registry(runtime::DeviceProbe::system(),
                             fault_injection_hooks(std::getenv(kFaultWarmUpFailVariable)));
  TransportCore core(registry, voices, metrics, config);
  Transports transports;
  start_transports(config, core, transports);
  write_ports_file(options.ports_file, transports);
  for (const auto& spec : config.models) {
    log::info("loading model " + spec.name + " (" + variant_name(spec.variant) + ") from " +
              spec.checkpoint_dir);
    registry.add(spec);
  }
  if (!config.api_key.empty()) log::info("API key required (Authorization: Bearer ...)");
  log::info("voice library: " + voices.directory());
  ReadinessWatch watch(core, transports);
  do {
    // Ready first: instances read after it are at least as far along (STATUS=serving, READY=1).
    const bool ready = core.ready();
    const auto instances = registry.status();
    watch.update(instances, ready);
    service.update(instances, ready, runtime::Clock::now());
  } while (!signal.wait_for(100));
  char grace[32];
  std::snprintf(grace, sizeof grace, "%g", config.shutdown_grace_seconds);
  service.stopping(std::string("draining: streams get ") + grace + " s to finish");
  drain(config, registry, core, transports, signal.signal_number());
  return 0;
}

}  // namespace chatterbox::server
