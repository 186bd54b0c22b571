#include "bench/http/http_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_context.h"
#include "engine/common/error.h"
#include "tools/load/http_speech.h"

namespace chatterbox::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct HttpOptions {
  std::string url = "http://127.0.0.1:8000";
  std::string model = "nano";
  std::string api_key;
  std::vector<int64_t> concurrency{1, 4};
  int64_t tokens = 50;
  int64_t repeats = 1;
};

HttpOptions parse(int argc, char** argv) {
  HttpOptions o;
  parse_table_options("http", argc, argv, [&](const std::string& name, const std::string& value) {
    if (name == "--url")
      o.url = value;
    else if (name == "--model")
      o.model = value;
    else if (name == "--api-key")
      o.api_key = value;
    else if (name == "--concurrency")
      o.concurrency = count_list(value);
    else if (name == "--tokens")
      o.tokens = std::stoll(value);
    else if (name == "--repeats")
      o.repeats = std::stoll(value);
    else
      return false;
    return true;
  });
  if (o.tokens < 1 || o.repeats < 1)
    fail(ErrorCode::kInvalidArgument, "http: --tokens and --repeats must be positive");
  return o;
}

// One streamed POST /v1/audio/speech in raw pcm; a failure ends the table.
load::SpeechResult speak(const HttpOptions& o, uint64_t seed) {
  load::SpeechCall call;
  call.model = o.model;
  call.text = load::kTypicalText;
  call.api_key = o.api_key;
  call.seed = seed;
  call.max_new_tokens = o.tokens;
  load::SpeechResult s = load::http_speech(o.url, call);
  if (!s.error.empty()) fail(ErrorCode::kUnavailable, "http: " + s.error + ": " + s.message);
  return s;
}

struct Row {
  double ttfa_mean = 0, ttfa_max = 0, rtf_mean = 0, aggregate_x = 0;
};

Row measure(const HttpOptions& o, int64_t concurrency) {
  std::vector<load::SpeechResult> streams(static_cast<size_t>(concurrency));
  std::vector<std::string> errors(streams.size());
  const auto start = Clock::now();
  std::vector<std::thread> clients;
  for (size_t i = 0; i < streams.size(); ++i)
    clients.emplace_back([&, i] {
      try {
        streams[i] = speak(o, i + 1);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : clients) t.join();
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& e : errors)
    if (!e.empty()) fail(ErrorCode::kInternal, e);
  Row row;
  double audio = 0;
  const double n = static_cast<double>(streams.size());
  for (const auto& s : streams) {
    row.ttfa_mean += s.first_audio_s / n;
    row.ttfa_max = std::max(row.ttfa_max, s.first_audio_s);
    row.rtf_mean += s.total_s / s.audio_seconds() / n;
    audio += s.audio_seconds();
  }
  row.aggregate_x = audio / wall;
  return row;
}

}  // namespace

int run_http_table(int argc, char** argv) {
  const HttpOptions o = parse(argc, argv);
  std::printf("http: %s model %s, streamed pcm, %lld speech tokens a request, text \"%s\"\n",
              o.url.c_str(), o.model.c_str(), static_cast<long long>(o.tokens), load::kTypicalText);
  std::printf("%-10s %5s %11s %11s %9s %12s\n", "model", "conc", "ttfa_mean_s", "ttfa_max_s",
              "rtf_mean", "aggregate_x");
  HttpOptions warm = o;
  warm.tokens = 8;
  measure(warm, 1);
  for (int64_t c : o.concurrency)
    for (int64_t r = 0; r < o.repeats; ++r) {
      const Row row = measure(o, c);
      std::printf("%-10s %5lld %11.3f %11.3f %9.3f %12.2f\n", o.model.c_str(),
                  static_cast<long long>(c), row.ttfa_mean, row.ttfa_max, row.rtf_mean,
                  row.aggregate_x);
      std::fflush(stdout);
    }
  return 0;
}

}  // namespace chatterbox::bench
