#include "tools/load/load_report.h"

#include <algorithm>
#include <cstdio>

namespace chatterbox::load {
namespace {

nlohmann::json percentiles_json(const Percentiles& p) {
  return {{"count", p.count}, {"p50", p.p50}, {"p90", p.p90}, {"p99", p.p99}, {"max", p.max}};
}

void print_percentiles(const char* what, const Percentiles& p) {
  std::printf("%-22s n=%d p50=%.3f p90=%.3f p99=%.3f max=%.3f\n", what, p.count, p.p50, p.p90,
              p.p99, p.max);
}

double mib(int64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

}  // namespace

LoadReport summarize(const LoadRun& run) {
  LoadReport r;
  std::vector<double> first_audio, rtf;
  for (const auto& s : run.results) {
    ++r.requests;
    if (s.first_audio_s >= 0) first_audio.push_back(s.first_audio_s);
    r.audio_s += s.audio_seconds();
    if (s.dropped) {
      ++r.dropped;
    } else if (!s.error.empty()) {
      ++r.errors[s.error];
      r.examples.emplace(s.error, s.message);
    } else {
      ++r.completed;
      if (s.audio_bytes > 0) rtf.push_back(s.total_s / s.audio_seconds());
    }
  }
  r.first_audio_s = percentiles(first_audio);
  r.real_time_factor = percentiles(rtf);
  r.wall_s = run.wall_s;
  return r;
}

void print_report(const LoadOptions& o, const LoadReport& r) {
  std::printf(
      "%s load: %d clients for %.0f s%s, %s\n", o.transport.c_str(), o.clients, o.duration_s,
      o.max_requests ? (" (" + std::to_string(o.max_requests) + " requests at most)").c_str() : "",
      o.transport == "grpc" ? o.grpc_target.c_str() : o.url.c_str());
  std::printf("requests=%lld completed=%lld dropped_by_client=%lld errors=%lld wall_s=%.1f\n",
              static_cast<long long>(r.requests), static_cast<long long>(r.completed),
              static_cast<long long>(r.dropped),
              static_cast<long long>(r.requests - r.completed - r.dropped), r.wall_s);
  for (const auto& [kind, count] : r.errors)
    std::printf("  error %s: %lld (%s)\n", kind.c_str(), static_cast<long long>(count),
                r.examples.at(kind).substr(0, 160).c_str());
  print_percentiles("time_to_first_audio_s", r.first_audio_s);
  print_percentiles("real_time_factor", r.real_time_factor);
  std::printf("audio_s=%.1f throughput_x=%.2f\n", r.audio_s,
              r.wall_s > 0 ? r.audio_s / r.wall_s : 0.0);
  if (r.rss_before >= 0 && r.rss_after >= 0)
    std::printf("server_rss_mib before=%.1f after=%.1f change=%+.1f%%\n", mib(r.rss_before),
                mib(r.rss_after),
                100.0 * static_cast<double>(r.rss_after - r.rss_before) /
                    static_cast<double>(std::max<int64_t>(r.rss_before, 1)));
}

nlohmann::json report_json(const LoadOptions& o, const LoadReport& r) {
  return {{"transport", o.transport},
          {"clients", o.clients},
          {"duration_s", o.duration_s},
          {"requests", r.requests},
          {"completed", r.completed},
          {"dropped_by_client", r.dropped},
          {"errors", r.errors},
          {"error_examples", r.examples},
          {"time_to_first_audio_s", percentiles_json(r.first_audio_s)},
          {"real_time_factor", percentiles_json(r.real_time_factor)},
          {"audio_s", r.audio_s},
          {"wall_s", r.wall_s},
          {"server_rss_before_bytes", r.rss_before},
          {"server_rss_after_bytes", r.rss_after}};
}

int64_t unexpected_errors(const LoadOptions& o, const LoadReport& r) {
  int64_t n = 0;
  for (const auto& [kind, count] : r.errors)
    if (std::find(o.allowed_errors.begin(), o.allowed_errors.end(), kind) == o.allowed_errors.end())
      n += count;
  return n;
}

}  // namespace chatterbox::load
