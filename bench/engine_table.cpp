#include "bench/engine_table.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_context.h"
#include "bench/bench_inputs.h"
#include "bench/stream_measure.h"
#include "engine/common/error.h"
#include "engine/runtime/device_memory.h"
#include "engine/runtime/engine.h"

namespace chatterbox::bench {
namespace {

constexpr const char* kText =
    "Chatterbox turns text into speech; this sentence is long enough to be typical.";

struct TableOptions {
  std::vector<Variant> variants{Variant::kOriginal, Variant::kTurbo, Variant::kNano};
  std::vector<pipeline::Precision> precisions{pipeline::Precision::kFp32};
  std::vector<int64_t> concurrency{1, 4, 16};
  std::vector<std::string> graphs{"on"};
  std::vector<std::string> audio_thread{"auto"};
  std::vector<std::string> streaming{"on"};
  std::vector<int64_t> chunk_growth{0};  // 0: the engine's default for the device
  int64_t tokens = 50;
  int64_t max_len = 1024;
};

TableOptions parse(int argc, char** argv) {
  TableOptions o;
  parse_table_options("engine", argc, argv, [&](const std::string& name, const std::string& value) {
    if (name == "--variants")
      o.variants = variant_list(value);
    else if (name == "--precisions")
      o.precisions = precision_list(value);
    else if (name == "--concurrency")
      o.concurrency = count_list(value);
    else if (name == "--tokens")
      o.tokens = std::stoll(value);
    else if (name == "--graphs")
      o.graphs = split_list(value);
    else if (name == "--audio-thread")
      o.audio_thread = split_list(value);
    else if (name == "--streaming")
      o.streaming = split_list(value);
    else if (name == "--chunk-growth")
      o.chunk_growth = count_list(value, 0);  // 0: the engine's default
    else if (name == "--max-len")
      o.max_len = std::stoll(value);
    else
      return false;
    return true;
  });
  for (const auto& g : o.graphs)
    if (g != "on" && g != "off" && g != "t3")
      fail(ErrorCode::kInvalidArgument,
           "engine: --graphs takes on (T3 step and flow estimator), t3 (the step only), off or a "
           "list");
  for (const auto& a : o.audio_thread)
    if (a != "on" && a != "off" && a != "auto")
      fail(ErrorCode::kInvalidArgument, "engine: --audio-thread takes auto, on, off or a list");
  for (const auto& s : o.streaming)
    if (s != "on" && s != "off")
      fail(ErrorCode::kInvalidArgument,
           "engine: --streaming takes on (audio in chunks), off (whole) or a list");
  return o;
}

}  // namespace

int run_engine_table(int argc, char** argv) {
  const TableOptions o = parse(argc, argv);
  const int64_t slots = *std::max_element(o.concurrency.begin(), o.concurrency.end());
  std::printf("engine: device %s, %lld speech tokens a request, text \"%s\"\n",
              device().str().c_str(), static_cast<long long>(o.tokens), kText);
  std::printf("%-10s %-5s %-6s %-5s %-6s %4s %5s %11s %11s %9s %13s %12s %13s\n", "variant", "prec",
              "graphs", "audio", "stream", "grow", "conc", "ttfa_mean_s", "ttfa_max_s", "rtf_mean",
              "t3_tok_per_s", "aggregate_x", "peak_gpu_mib");
  for (Variant variant : o.variants)
    for (pipeline::Precision precision : o.precisions) {
      pipeline::PipelineLoadOptions load;
      load.device = device();
      load.precision = precision;
      std::shared_ptr<const pipeline::Pipeline> p =
          pipeline::Pipeline::load(checkpoint(variant).dir, variant, load);
      dsp::Audio reference;
      reference.samples = speech_like_audio(6.0, 24000);
      reference.sample_rate = 24000;
      auto voice = std::make_shared<const pipeline::Conditionals>(p->make_voice(reference));
      for (const auto& graphs : o.graphs)
        for (const auto& audio_thread : o.audio_thread)
          for (const int64_t growth : o.chunk_growth) {
            runtime::EngineOptions options;
            options.chunk_growth = growth;
            if (audio_thread != "auto") options.audio_thread = audio_thread == "on";
            options.max_slots = slots;
            options.max_len = o.max_len;
            options.max_queue = slots;
            options.cuda_graphs = graphs != "off";
            options.flow_graphs = graphs == "on";
            runtime::reset_peak_device_bytes(device());
            runtime::Engine engine(p, options, device().str());
            const Submit submit = [&](runtime::SynthesisRequest r) {
              return engine.submit(std::move(r));
            };
            measure_streams(submit, kText, voice, 1, 8);  // warm-up
            for (const auto& streaming : o.streaming)
              for (int64_t c : o.concurrency) {
                const StreamFigures row =
                    measure_streams(submit, kText, voice, c, o.tokens, streaming == "on");
                const int64_t peak = runtime::peak_device_bytes(device());
                std::printf(
                    "%-10s %-5s %-6s %-5s %-6s %4s %5lld %11.3f %11.3f %9.3f %13.1f %12.2f "
                    "%13.1f\n",
                    variant_name(variant), pipeline::precision_name(precision), graphs.c_str(),
                    audio_thread.c_str(), streaming.c_str(),
                    growth == 0 ? "auto" : std::to_string(growth).c_str(),
                    static_cast<long long>(c), row.ttfa_mean, row.ttfa_max, row.rtf_mean,
                    row.t3_tokens_per_s, row.aggregate_x,
                    peak < 0 ? -1.0 : static_cast<double>(peak) / (1 << 20));
                std::fflush(stdout);
              }
          }
    }
  return 0;
}

}  // namespace chatterbox::bench
