// Whole syntheses: text and a voice in, 24 kHz audio out, per variant. T3 is capped at 50
// speech tokens (2 s) so that pattern weights, which rarely sample the stop token, and real
// ones cost the same; counters give T3's token rate and the real-time factor.

#include <benchmark/benchmark.h>

#include <chrono>
#include <map>
#include <memory>

#include "bench/bench_context.h"
#include "bench/bench_inputs.h"
#include "engine/pipeline/pipeline.h"

namespace chatterbox::bench {
namespace {

constexpr int64_t kMaxTokens = 50;
constexpr const char* kText =
    "Chatterbox turns text into speech; this sentence is long enough to be typical.";

struct LoadedPipeline {
  std::unique_ptr<pipeline::Pipeline> pipe;
  pipeline::Conditionals voice;
};

LoadedPipeline& loaded(Variant variant) {
  static std::map<Variant, LoadedPipeline> cache;
  auto it = cache.find(variant);
  if (it != cache.end()) return it->second;
  pipeline::PipelineLoadOptions options;
  options.device = device();
  LoadedPipeline entry;
  entry.pipe = pipeline::Pipeline::load(checkpoint(variant).dir, variant, options);
  dsp::Audio reference;
  reference.samples = speech_like_audio(6.0, 24000);
  reference.sample_rate = 24000;
  entry.voice = entry.pipe->make_voice(reference);
  return cache.emplace(variant, std::move(entry)).first->second;
}

void BM_Synthesize(benchmark::State& state, Variant variant) {
  LoadedPipeline& p = loaded(variant);
  pipeline::SynthesisOptions options;
  options.seed = 1;
  options.max_new_tokens = kMaxTokens;
  const std::string language = variant == Variant::kMultilingual ? "en" : "";
  double audio_s = 0, t3_s = 0;
  int64_t tokens = 0;
  for (auto _ : state) {
    const auto started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_token = started;
    const auto result = p.pipe->synthesize(kText, language, &p.voice, options, {}, [&](int64_t) {
      last_token = std::chrono::steady_clock::now();
      return true;
    });
    synchronize();
    audio_s += static_cast<double>(result.wav.numel()) / 24000.0;
    t3_s += std::chrono::duration<double>(last_token - started).count();
    tokens += result.speech_tokens.size(1);
  }
  state.counters["audio_s"] = audio_s / static_cast<double>(state.iterations());
  state.counters["x_realtime"] = benchmark::Counter(audio_s, benchmark::Counter::kIsRate);
  state.counters["t3_tokens_per_s"] = t3_s > 0 ? static_cast<double>(tokens) / t3_s : 0.0;
}

BENCHMARK_CAPTURE(BM_Synthesize, original, Variant::kOriginal)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Synthesize, turbo, Variant::kTurbo)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Synthesize, nano, Variant::kNano)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Synthesize, multilingual, Variant::kMultilingual)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace chatterbox::bench
