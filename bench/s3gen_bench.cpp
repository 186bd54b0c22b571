// S3Gen components for 2 s of audio: embed_ref on a 2 s reference, the flow for 50 speech tokens
// (2 s of mel), HiFT for 100 mel frames, and the whole inference().

#include <benchmark/benchmark.h>

#include <memory>

#include "bench/bench_context.h"
#include "bench/bench_inputs.h"
#include "engine/io/state_dict.h"
#include "engine/models/s3gen/s3gen.h"

namespace chatterbox::bench {
namespace {

constexpr int64_t kTokens = 50;  // 2 s at 25 tokens/s

models::s3gen::S3Gen& s3gen(Variant variant) {
  static std::unique_ptr<models::s3gen::S3Gen> loaded[2];
  const bool meanflow = variant == Variant::kTurbo;
  auto& slot = loaded[meanflow ? 1 : 0];
  if (!slot) {
    slot = models::s3gen::S3Gen::load(io::StateDict::load(checkpoint(variant).s3gen), meanflow);
    slot->to(device());
  }
  return *slot;
}

models::s3gen::S3GenNoise seeded_noise() {
  models::s3gen::S3GenNoise noise;
  noise.generator = at::make_generator<at::CPUGeneratorImpl>(0);
  return noise;
}

const models::s3gen::ReferenceEmbedding& reference(Variant variant) {
  static std::unique_ptr<models::s3gen::ReferenceEmbedding> refs[2];
  auto& slot = refs[variant == Variant::kTurbo ? 1 : 0];
  if (!slot)
    slot = std::make_unique<models::s3gen::ReferenceEmbedding>(
        s3gen(variant).embed_ref(speech_like_audio(2.0, 24000).to(device()), 24000));
  return *slot;
}

void BM_S3GenEmbedRef(benchmark::State& state) {
  auto& model = s3gen(Variant::kOriginal);
  const torch::Tensor wav = speech_like_audio(2.0, 24000).to(device());
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.embed_ref(wav, 24000));
    synchronize();
  }
  state.counters["audio_s"] = 2.0;
}

// tokens -> mel -> waveform, with the flow alone (steps 0: the variant's default) or whole.
void run_inference(benchmark::State& state, Variant variant, bool vocode) {
  auto& model = s3gen(variant);
  const auto& ref = reference(variant);
  const torch::Tensor tokens = pattern_speech_tokens(kTokens);
  const torch::Tensor lens = torch::full({1}, kTokens, torch::kLong);
  for (auto _ : state) {
    const models::s3gen::S3GenNoise noise = seeded_noise();
    if (vocode) {
      benchmark::DoNotOptimize(model.inference(tokens, lens, ref, noise));
    } else {
      benchmark::DoNotOptimize(model.flow_inference(tokens, lens, ref, noise));
    }
    synchronize();
  }
  state.counters["audio_s"] = kTokens / 25.0;
  state.counters["x_realtime"] =
      benchmark::Counter(kTokens / 25.0 * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_S3GenFlowBase(benchmark::State& state) {
  run_inference(state, Variant::kOriginal, false);
}
void BM_S3GenFlowMeanflow(benchmark::State& state) {
  run_inference(state, Variant::kTurbo, false);
}
void BM_S3GenInferenceBase(benchmark::State& state) {
  run_inference(state, Variant::kOriginal, true);
}
void BM_S3GenInferenceMeanflow(benchmark::State& state) {
  run_inference(state, Variant::kTurbo, true);
}

void BM_HiftInference(benchmark::State& state) {
  auto& model = s3gen(Variant::kOriginal);
  const torch::Tensor mel = torch::randn({1, 80, 2 * kTokens}).to(device()) - 5.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.hift_inference(mel, seeded_noise()));
    synchronize();
  }
  state.counters["audio_s"] = kTokens / 25.0;
}

BENCHMARK(BM_S3GenEmbedRef)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_S3GenFlowBase)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_S3GenFlowMeanflow)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_HiftInference)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_S3GenInferenceBase)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_S3GenInferenceMeanflow)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace chatterbox::bench
