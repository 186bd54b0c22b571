#include "bench/t3_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_context.h"
#include "bench/kernel_profile.h"
#include "engine/common/error.h"
#include "engine/models/t3/t3_decoder.h"
#include "engine/pipeline/pipeline.h"
#include "engine/runtime/device_memory.h"

namespace chatterbox::bench {
namespace {

constexpr const char* kText =
    "Chatterbox turns text into speech; this sentence is long enough to be typical.";

struct TableOptions {
  std::vector<Variant> variants{Variant::kOriginal, Variant::kTurbo};
  std::vector<pipeline::Precision> precisions{pipeline::Precision::kFp32};
  std::vector<int64_t> batches{1, 8, 32, 64};
  std::vector<models::t3::T3StepMode> modes{models::t3::fastest_step_mode(device())};
  int64_t steps = 50;
  bool kernels = false;  // after each row, the kernels of `steps` more steps (kernel_profile.h)
};

const char* mode_name(models::t3::T3StepMode mode) {
  switch (mode) {
    case models::t3::T3StepMode::kExact:
      return "exact";
    case models::t3::T3StepMode::kBucketed:
      return "bucketed";
    case models::t3::T3StepMode::kGraphed:
      return "graphed";
  }
  return "?";
}

std::vector<models::t3::T3StepMode> mode_list(const std::string& list) {
  std::vector<models::t3::T3StepMode> modes;
  for (const auto& name : split_list(list)) {
    if (name == "exact")
      modes.push_back(models::t3::T3StepMode::kExact);
    else if (name == "bucketed")
      modes.push_back(models::t3::T3StepMode::kBucketed);
    else if (name == "graphed")
      modes.push_back(models::t3::T3StepMode::kGraphed);
    else
      fail(ErrorCode::kInvalidArgument,
           "t3: unknown step mode \"" + name + "\" (exact, bucketed, graphed)");
  }
  return modes;
}

TableOptions parse(int argc, char** argv) {
  TableOptions o;
  parse_table_options("t3", argc, argv, [&](const std::string& name, const std::string& value) {
    if (name == "--variants")
      o.variants = variant_list(value);
    else if (name == "--precisions")
      o.precisions = precision_list(value);
    else if (name == "--batches")
      o.batches = count_list(value);
    else if (name == "--modes")
      o.modes = mode_list(value);
    else if (name == "--steps")
      o.steps = std::stoll(value);
    else if (name == "--kernels")
      o.kernels = on_off("t3: --kernels", value);
    else
      return false;
    return true;
  });
  if (o.steps < 2) fail(ErrorCode::kInvalidArgument, "t3: --steps must be at least 2");
  return o;
}

struct Row {
  double ms_per_step = 0;
  double tokens_per_s = 0;
  double cache_mib = 0;
  double peak_mib = -1;
};

// `batch` requests prefilled together, then `steps` decode steps timed while all are active;
// with `kernels`, `steps` more are profiled after them.
Row measure(const pipeline::Pipeline& p, models::t3::T3StepMode mode, int64_t batch, int64_t steps,
            bool kernels = false) {
  const auto& model = *p.t3();
  const auto cond = p.t3_conditionals(p.request_voice(nullptr, 0.5));
  const auto text = p.text_tokens(kText, "");
  auto options = models::t3::T3GenerationOptions::defaults_for(model.config());
  const int64_t profiled = kernels ? steps : 0;
  options.max_new_tokens = steps + profiled + 2;
  std::vector<std::unique_ptr<sampling::GeneratorUniforms>> uniforms;
  std::vector<models::t3::T3DecodeRequest> requests;
  for (int64_t i = 0; i < batch; ++i) {
    uniforms.push_back(std::make_unique<sampling::GeneratorUniforms>(i + 1));
    requests.push_back({cond, text, options, uniforms.back().get()});
  }
  runtime::reset_peak_device_bytes(device());
  models::t3::T3Decoder decoder(
      model, batch, model.prefill_length(cond, text.size(1)) + steps + profiled + 4, mode);
  decoder.prefill(requests);
  decoder.step();  // the first step after a prefill allocates (and captures); leave it out
  synchronize();
  const auto start = std::chrono::steady_clock::now();
  int64_t timed = 0, tokens = 0;
  for (; timed < steps - 1 && decoder.active() == batch; ++timed)
    tokens += static_cast<int64_t>(decoder.step().size());
  synchronize();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (timed == 0) fail(ErrorCode::kInternal, "t3: every request stopped at once");
  Row row;
  row.ms_per_step = 1000.0 * seconds / static_cast<double>(timed);
  row.tokens_per_s = static_cast<double>(tokens) / seconds;
  row.cache_mib = static_cast<double>(decoder.cache_bytes()) / (1 << 20);
  const int64_t peak = runtime::peak_device_bytes(device());
  if (peak >= 0) row.peak_mib = static_cast<double>(peak) / (1 << 20);
  if (kernels) {
    int64_t run = 0;
    const auto totals = profile_kernels([&] {
      for (; run < profiled && decoder.active() == batch; ++run) decoder.step();
      synchronize();
    });
    print_kernels(totals, run);
  }
  return row;
}

}  // namespace

int run_t3_table(int argc, char** argv) {
  const TableOptions o = parse(argc, argv);
  std::printf("t3: device %s, %lld decode steps, the checkpoint's built-in voice, text \"%s\"\n",
              device().str().c_str(), static_cast<long long>(o.steps), kText);
  std::printf("%-10s %-5s %-9s %6s %12s %13s %13s %13s\n", "variant", "prec", "mode", "batch",
              "ms_per_step", "tokens_per_s", "kv_cache_mib", "peak_gpu_mib");
  for (Variant variant : o.variants)
    for (pipeline::Precision precision : o.precisions) {
      pipeline::PipelineLoadOptions load;
      load.device = device();
      load.precision = precision;
      auto p = pipeline::Pipeline::load(checkpoint(variant).dir, variant, load);
      for (auto mode : o.modes) {
        measure(*p, mode, 1, 4);  // warm-up
        for (int64_t batch : o.batches) {
          const Row row = measure(*p, mode, batch, o.steps, o.kernels);
          std::printf("%-10s %-5s %-9s %6lld %12.3f %13.1f %13.1f %13.1f\n", variant_name(variant),
                      pipeline::precision_name(precision), mode_name(mode),
                      static_cast<long long>(batch), row.ms_per_step, row.tokens_per_s,
                      row.cache_mib, row.peak_mib);
          std::fflush(stdout);
        }
      }
    }
  return 0;
}

}  // namespace chatterbox::bench
