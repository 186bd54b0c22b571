// chatterbox-bench [--device D] [--model-dir DIR] [--cache-dir DIR] [--threads N]
//                  [Google Benchmark flags, e.g. --benchmark_filter=S3Gen]
// chatterbox-bench [--device D] ... engine [--variants original,turbo,nano]
//                  [--precisions fp32,bf16] [--concurrency 1,4,16] [--tokens 50]
//                  [--graphs on,t3,off] [--audio-thread auto,on,off] [--max-len 1024]
//                  [--streaming on,off] [--chunk-growth 0,2,4]   (the serving engine, as a table)
// chatterbox-bench [--device D] ... t3 [--variants original,turbo] [--precisions fp32,bf16]
//                  [--batches 1,8,32,64] [--modes exact,bucketed,graphed] [--steps 50]
//                  [--kernels on]   (Kineto builds: each row's kernels, bench/kernel_profile.h)
//                  (the T3 decode step, as a table)
// chatterbox-bench [--device D] ... replicas [--variant turbo] [--device-lists
// "cuda:0;cuda:0,cuda:0"]
//                  [--concurrency 64,256] [--tokens 50] [--precision auto]   (registry routing)
// chatterbox-bench [--device D] ... stages [--variants turbo,original] [--precisions bf16]
//                  [--batches 1,16,64] [--chunk-tokens 12,48,100] [--graphs on,off] [--reps 5]
//                  [--cudnn deterministic,benchmark] [--tf32 off,on] [--kernels on]
//                  (one S3Gen decode of stream chunks, split: flow encoder, estimator, HiFT)
// chatterbox-bench http [--url http://127.0.0.1:8000] [--model nano] [--concurrency 1,4]
//                  [--tokens 50] [--api-key KEY] [--repeats N]   (a running chatterboxd's REST)
// Without --model-dir, each variant runs on a pattern model written once under the cache
// directory (full size, so timings equal a real checkpoint's).

#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_context.h"
#include "bench/engine_table.h"
#ifdef CHATTERBOX_WITH_HTTP
#include "bench/http/http_table.h"
#endif
#include "bench/replica_table.h"
#include "bench/stages_table.h"
#include "bench/t3_table.h"
#include "engine/common/error.h"
#include "engine/runtime/blas_check.h"
#include "engine/runtime/precision.h"
#include "engine/runtime/threads.h"

namespace {

// Takes our own "--name value" / "--name=value" options out of argv.
chatterbox::bench::BenchConfig take_own_options(int& argc, char** argv) {
  chatterbox::bench::BenchConfig config;
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value_of = [&](const std::string& name, std::string& out) {
      if (arg == name && i + 1 < argc) {
        out = argv[++i];
        return true;
      }
      if (arg.rfind(name + "=", 0) == 0) {
        out = arg.substr(name.size() + 1);
        return true;
      }
      return false;
    };
    std::string threads;
    if (value_of("--device", config.device) || value_of("--model-dir", config.model_dir) ||
        value_of("--cache-dir", config.cache_dir))
      continue;
    if (value_of("--threads", threads)) {
      config.threads = std::stoi(threads);
      continue;
    }
    rest.push_back(argv[i]);
  }
  argc = static_cast<int>(rest.size());
  for (int i = 0; i < argc; ++i) argv[i] = rest[static_cast<size_t>(i)];
  return config;
}

// The subcommands that print a table instead of running Google Benchmark.
struct Table {
  const char* name;
  int (*run)(int argc, char** argv);
  int index = 0;  // where its name stands in argv
};

const Table* find_table(int argc, char** argv) {
  static Table tables[] = {
      {"engine", chatterbox::bench::run_engine_table},
      {"t3", chatterbox::bench::run_t3_table},
      {"replicas", chatterbox::bench::run_replica_table},
      {"stages", chatterbox::bench::run_stages_table},
#ifdef CHATTERBOX_WITH_HTTP
      {"http", chatterbox::bench::run_http_table},
#endif
  };
  for (int i = 1; i < argc; ++i)
    for (Table& table : tables)
      if (std::strcmp(argv[i], table.name) == 0) {
        table.index = i;
        return &table;
      }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto config = take_own_options(argc, argv);
    chatterbox::runtime::configure_threads(config.threads);
    benchmark::AddCustomContext("openblas", chatterbox::runtime::openblas_core_name());
    chatterbox::runtime::set_allow_tf32(false);
    chatterbox::runtime::set_deterministic_kernels(true);
    chatterbox::bench::configure(config);
    benchmark::AddCustomContext("device", chatterbox::bench::device().str());
    benchmark::AddCustomContext("model_dir",
                                config.model_dir.empty() ? "pattern models" : config.model_dir);
    benchmark::AddCustomContext("torch", TORCH_VERSION);
  } catch (const chatterbox::Error& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 2;
  }
  if (const Table* table = find_table(argc, argv)) {
    try {
      return table->run(argc - table->index - 1, argv + table->index + 1);
    } catch (const std::exception& e) {
      std::cerr << "error: " << e.what() << std::endl;
      return 2;
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
