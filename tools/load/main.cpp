// chatterbox-load: N concurrent streaming clients against a running chatterboxd for T seconds
// (REST or gRPC), with optional hang-ups mid-stream and per-request deadlines; prints requests,
// errors by kind, time to first audio and real-time factor percentiles and the server's RSS.
// Exit status: 0, or 1 when an error of a kind not allowed by --allow-error occurred.

#include <cstdio>
#include <fstream>

#include "tools/load/http_speech.h"
#include "tools/load/load_options.h"
#include "tools/load/load_report.h"
#include "tools/load/load_run.h"
#include "tools/load/server_memory.h"

namespace {

using namespace chatterbox::load;

int64_t server_rss(const LoadOptions& o) {
  if (o.server_pid > 0) return resident_bytes_of_pid(o.server_pid);
  return resident_bytes_in_metrics(http_get(o.url, "/metrics"));
}

}  // namespace

int main(int argc, char** argv) {
  const LoadOptions options = parse_load_options(argc, argv);
  const int64_t rss_before = server_rss(options);
  LoadReport report = summarize(run_load(options));
  report.rss_before = rss_before;
  report.rss_after = server_rss(options);
  print_report(options, report);
  if (!options.json_out.empty())
    std::ofstream(options.json_out) << report_json(options, report).dump(2) << "\n";
  const int64_t unexpected = unexpected_errors(options, report);
  if (unexpected > 0)
    std::fprintf(stderr, "chatterbox-load: %lld unexpected errors\n",
                 static_cast<long long>(unexpected));
  return unexpected > 0 ? 1 : 0;
}
