#pragma once
// What a load run came to: requests, completions, hang-ups, errors by kind, time to first audio
// and real-time factor percentiles, throughput, and the server's RSS before and after.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tools/load/load_options.h"
#include "tools/load/load_run.h"
#include "tools/load/percentiles.h"

namespace chatterbox::load {

struct LoadReport {
  int64_t requests = 0, completed = 0, dropped = 0;
  std::map<std::string, int64_t> errors;        // by kind
  std::map<std::string, std::string> examples;  // a message per error kind
  Percentiles first_audio_s;                    // every request that got audio
  Percentiles real_time_factor;                 // completed requests: wall time over audio time
  double audio_s = 0, wall_s = 0;
  int64_t rss_before = -1, rss_after = -1;
};

LoadReport summarize(const LoadRun& run);
void print_report(const LoadOptions& options, const LoadReport& report);
nlohmann::json report_json(const LoadOptions& options, const LoadReport& report);
// Errors of kinds not in options.allowed_errors.
int64_t unexpected_errors(const LoadOptions& options, const LoadReport& report);

}  // namespace chatterbox::load
