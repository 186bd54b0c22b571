#include "bench/replica_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/bench_context.h"
#include "bench/stream_measure.h"
#include "engine/common/error.h"
#include "engine/runtime/registry.h"

namespace chatterbox::bench {
namespace {

constexpr const char* kText =
    "Chatterbox turns text into speech; this sentence is long enough to be typical.";

struct TableOptions {
  Variant variant = Variant::kTurbo;
  std::vector<std::string> device_lists{"cuda:0", "cuda:0,cuda:0"};
  std::vector<int64_t> concurrency{64};
  int64_t tokens = 50;
  pipeline::Precision precision = pipeline::Precision::kAuto;
};

std::vector<std::string> split_on(const std::string& list, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t end = std::min(list.find(separator, start), list.size());
    if (end > start) out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TableOptions parse(int argc, char** argv) {
  TableOptions o;
  parse_table_options("replicas", argc, argv, [&](const std::string& name, const std::string& v) {
    if (name == "--variant")
      o.variant = variant_list(v).at(0);
    else if (name == "--device-lists")
      o.device_lists = split_on(v, ';');
    else if (name == "--concurrency")
      o.concurrency = count_list(v);
    else if (name == "--tokens")
      o.tokens = std::stoll(v);
    else if (name == "--precision")
      o.precision = precision_list(v).at(0);
    else
      return false;
    return true;
  });
  if (o.device_lists.empty()) fail(ErrorCode::kInvalidArgument, "replicas: no device list");
  return o;
}

void print_instances(const std::vector<runtime::InstanceStatus>& instances) {
  for (const auto& s : instances) {
    std::string t3 = "?";
    for (const auto& c : s.components)
      if (c.name == "t3") t3 = c.active_device + " " + c.dtype;
    std::printf("  instance %d: %s, warm %s, t3 on %s%s%s\n", s.replica,
                runtime::instance_state_name(s.state), s.warm ? "yes" : "no", t3.c_str(),
                s.error.empty() ? "" : ", error: ", s.error.c_str());
  }
}

std::string served_per_instance(const runtime::Registry& registry) {
  std::string out;
  for (const auto& s : registry.status())
    out += (out.empty() ? "" : "/") + std::to_string(s.requests_completed);
  return out;
}

}  // namespace

int run_replica_table(int argc, char** argv) {
  const TableOptions o = parse(argc, argv);
  const int64_t slots = *std::max_element(o.concurrency.begin(), o.concurrency.end());
  std::printf("replicas: %s, %lld speech tokens a request, the built-in voice\n",
              variant_name(o.variant), static_cast<long long>(o.tokens));
  for (const auto& list : o.device_lists) {
    runtime::Registry registry;
    runtime::ModelSpec spec;
    spec.variant = o.variant;
    spec.checkpoint_dir = checkpoint(o.variant).dir;
    spec.devices = split_list(list);
    spec.precision = o.precision;
    spec.engine.max_slots = slots;
    spec.engine.max_len = 1024;
    spec.engine.max_queue = slots;
    registry.add(spec);
    registry.wait_until_settled();
    std::printf("devices %s:\n", list.c_str());
    print_instances(registry.status());
    const std::string model = variant_name(o.variant);
    const Submit submit = [&](runtime::SynthesisRequest r) {
      return registry.submit(model, std::move(r));
    };
    measure_streams(submit, kText, nullptr, 1, 8);  // warm-up
    std::printf("%-24s %5s %11s %10s %10s %9s %12s %s\n", "devices", "conc", "ttfa_mean_s",
                "ttfa_p50_s", "ttfa_p99_s", "rtf_mean", "aggregate_x", "served_per_instance");
    for (int64_t c : o.concurrency) {
      const std::string before = served_per_instance(registry);
      const StreamFigures f = measure_streams(submit, kText, nullptr, c, o.tokens);
      std::printf("%-24s %5lld %11.3f %10.3f %10.3f %9.3f %12.2f %s -> %s\n", list.c_str(),
                  static_cast<long long>(c), f.ttfa_mean, f.ttfa_p50, f.ttfa_p99, f.rtf_mean,
                  f.aggregate_x, before.c_str(), served_per_instance(registry).c_str());
      std::fflush(stdout);
    }
    registry.shutdown(std::chrono::seconds(5));
  }
  return 0;
}

}  // namespace chatterbox::bench
