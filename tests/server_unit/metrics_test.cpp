#include "server/metrics.h"

#include <gtest/gtest.h>

#include <cmath>

#include <thread>

#include "engine/common/error.h"
#include "engine/runtime/model_status.h"
#include "engine/runtime/request.h"
#include "server/server_metrics.h"

namespace chatterbox::server {
namespace {

TEST(Metrics, ExposesCountersAndGaugesInTextFormat) {
  MetricsRegistry registry;
  Counter& requests =
      registry.add_counter("demo_requests_total", "Requests\nby route", {"route", "status"});
  Gauge& depth = registry.add_gauge("demo_queue_depth", "Waiting \\ queued", {"model"});
  Counter& plain = registry.add_counter("demo_plain_total", "No labels");
  requests.inc({"/v1/audio/speech", "200"});
  requests.inc({"/v1/audio/speech", "200"}, 2);
  requests.inc({"/metrics", "200"});
  depth.set({"tur\"bo\\x\ny"}, 3);
  depth.add({"tur\"bo\\x\ny"}, -1.5);
  EXPECT_DOUBLE_EQ(requests.value({"/v1/audio/speech", "200"}), 3.0);
  EXPECT_DOUBLE_EQ(plain.value(), 0.0);
  EXPECT_EQ(registry.expose(),
            "# HELP demo_requests_total Requests\\nby route\n"
            "# TYPE demo_requests_total counter\n"
            "demo_requests_total{route=\"/metrics\",status=\"200\"} 1\n"
            "demo_requests_total{route=\"/v1/audio/speech\",status=\"200\"} 3\n"
            "# HELP demo_queue_depth Waiting \\\\ queued\n"
            "# TYPE demo_queue_depth gauge\n"
            "demo_queue_depth{model=\"tur\\\"bo\\\\x\\ny\"} 1.5\n"
            "# HELP demo_plain_total No labels\n"
            "# TYPE demo_plain_total counter\n"
            "demo_plain_total 0\n");
}

TEST(Metrics, ExposesHistogramsWithCumulativeBuckets) {
  MetricsRegistry registry;
  Histogram& h = registry.add_histogram("demo_seconds", "Latency", {0.125, 0.5, 1});
  h.observe(0.0625);
  h.observe(0.125);  // on a bound: counts in that bucket (le)
  h.observe(0.75);
  h.observe(30);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(registry.expose(),
            "# HELP demo_seconds Latency\n"
            "# TYPE demo_seconds histogram\n"
            "demo_seconds_bucket{le=\"0.125\"} 2\n"
            "demo_seconds_bucket{le=\"0.5\"} 2\n"
            "demo_seconds_bucket{le=\"1\"} 3\n"
            "demo_seconds_bucket{le=\"+Inf\"} 4\n"
            "demo_seconds_sum 30.9375\n"
            "demo_seconds_count 4\n");
}

TEST(Metrics, LabelledHistogramPutsLeLast) {
  MetricsRegistry registry;
  Histogram& h = registry.add_histogram("demo_rtf", "RTF", {1}, {"model"});
  EXPECT_EQ(registry.expose(), "# HELP demo_rtf RTF\n# TYPE demo_rtf histogram\n");
  h.observe({"turbo"}, 0.5);
  EXPECT_EQ(registry.expose(),
            "# HELP demo_rtf RTF\n# TYPE demo_rtf histogram\n"
            "demo_rtf_bucket{model=\"turbo\",le=\"1\"} 1\n"
            "demo_rtf_bucket{model=\"turbo\",le=\"+Inf\"} 1\n"
            "demo_rtf_sum{model=\"turbo\"} 0.5\n"
            "demo_rtf_count{model=\"turbo\"} 1\n");
}

TEST(Metrics, FormatsValuesAsPrometheusDoes) {
  EXPECT_EQ(format_metric_value(0), "0");
  EXPECT_EQ(format_metric_value(-12), "-12");
  EXPECT_EQ(format_metric_value(0.1), "0.1");
  EXPECT_EQ(format_metric_value(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(format_metric_value(1e20), "1e+20");
  EXPECT_EQ(format_metric_value(INFINITY), "+Inf");
  EXPECT_EQ(format_metric_value(-INFINITY), "-Inf");
  EXPECT_EQ(format_metric_value(NAN), "NaN");
}

TEST(Metrics, RefusesMisuse) {
  MetricsRegistry registry;
  Counter& c = registry.add_counter("demo_total", "x", {"a"});
  EXPECT_THROW(c.inc({}), Error);         // wrong number of labels
  EXPECT_THROW(c.inc({"x"}, -1), Error);  // counters only go up
  EXPECT_THROW(registry.add_gauge("demo_total", "again"), Error);
  EXPECT_THROW(registry.add_gauge("2bad", "x"), Error);
  EXPECT_THROW(registry.add_gauge("bad-name", "x"), Error);
  EXPECT_THROW(registry.add_gauge("ok", "x", {"le"}), Error);  // reserved for buckets
  EXPECT_THROW(registry.add_histogram("h", "x", {1, 1}), Error);
}

TEST(Metrics, IsThreadSafe) {
  MetricsRegistry registry;
  Counter& c = registry.add_counter("demo_total", "x", {"t"});
  Histogram& h = registry.add_histogram("demo_h", "x", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        c.inc({std::to_string(t % 2)});
        h.observe(0.5);
        if (i % 100 == 0) registry.expose();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.value({"0"}) + c.value({"1"}), 4000.0);
  EXPECT_EQ(h.count(), 4000u);
}

TEST(ServerMetrics, ExposesTheServersMetricsFromStatusAndRecords) {
  ServerMetrics metrics;
  metrics.count_request("/v1/audio/speech", "200");
  runtime::FinalRecord record;
  record.speech_tokens = 120;
  record.samples = 48000;
  record.audio_seconds = 2.0;
  record.time_to_first_audio = 0.25;
  record.total_seconds = 1.0;
  metrics.observe_synthesis(record);

  runtime::InstanceStatus a, b;
  a.name = b.name = "turbo";
  b.replica = 1;
  a.state = runtime::InstanceState::kReady;
  a.warm = true;
  a.queue_depth = 2;
  b.queue_depth = 1;
  a.active_streams = 1;
  b.state = runtime::InstanceState::kLoading;
  a.components = {{"t3", "cuda:1", "cpu", "float32", "CUDA device 1 not present"},
                  {"hift", "auto", "cpu", "float32", ""}};
  metrics.refresh({a, b});

  const std::string text = metrics.expose();
  for (const char* line : {
           "chatterbox_requests_total{route=\"/v1/audio/speech\",status=\"200\"} 1\n",
           "chatterbox_queue_depth{model=\"turbo\"} 3\n",
           "chatterbox_active_streams{model=\"turbo\"} 1\n",
           "chatterbox_time_to_first_audio_seconds_bucket{le=\"0.3\"} 1\n",
           "chatterbox_time_to_first_audio_seconds_bucket{le=\"0.2\"} 0\n",
           "chatterbox_real_time_factor_bucket{le=\"0.5\"} 1\n",
           "chatterbox_real_time_factor_sum 0.5\n",
           "chatterbox_tokens_generated_total 120\n",
           "chatterbox_audio_seconds_total 2\n",
           "chatterbox_device_fallback{model=\"turbo\",component=\"hift\"} 0\n",
           "chatterbox_device_fallback{model=\"turbo\",component=\"t3\"} 1\n",
           "chatterbox_model_loaded{model=\"turbo\"} 1\n",
           "chatterbox_model_warm{model=\"turbo\"} 1\n",
           "# TYPE chatterbox_time_to_first_audio_seconds histogram\n",
       })
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  // This process's resident memory, under Prometheus' standard name: more than 1 MB, a whole
  // number of bytes.
  const std::string rss = "\nprocess_resident_memory_bytes ";
  const size_t at = text.find(rss);
  ASSERT_NE(at, std::string::npos) << text;
  const double bytes = std::stod(text.substr(at + rss.size()));
  EXPECT_GT(bytes, 1e6);
  EXPECT_EQ(bytes, std::floor(bytes));
}

}  // namespace
}  // namespace chatterbox::server
