#pragma once
// The metrics chatterboxd exposes at GET /metrics, on one registry. Transports count requests
// and finished syntheses; refresh() copies the engine's per-instance status into the gauges
// just before an exposition.

#include <string>
#include <vector>

#include "server/metrics.h"

namespace chatterbox::runtime {
struct FinalRecord;
struct InstanceStatus;
}  // namespace chatterbox::runtime

namespace chatterbox::server {

class ServerMetrics {
 public:
  ServerMetrics();

  // route: "/v1/audio/speech", "grpc:Synthesize", ...; status: the HTTP status or gRPC code name.
  void count_request(const std::string& route, const std::string& status);
  // A synthesis that finished: tokens, audio, time to first audio, real-time factor.
  void observe_synthesis(const runtime::FinalRecord& record);
  // Queue depth, active streams, loaded/warm and device fallbacks per model (summed over its
  // replicas); the process's resident memory.
  void refresh(const std::vector<runtime::InstanceStatus>& instances);

  std::string expose() const { return registry.expose(); }

  MetricsRegistry registry;
  Counter& requests_total;
  Gauge& queue_depth;
  Gauge& active_streams;
  Histogram& time_to_first_audio;
  Histogram& real_time_factor;
  Counter& tokens_generated;
  Counter& audio_seconds;
  Gauge& device_fallback;
  Gauge& model_loaded;
  Gauge& model_warm;
  Gauge& resident_memory;  // process_resident_memory_bytes, Prometheus' process-metric name
};

}  // namespace chatterbox::server
