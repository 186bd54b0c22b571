#include "bench/stages_table.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_context.h"
#include "bench/bench_inputs.h"
#include "bench/kernel_profile.h"
#include "engine/common/error.h"
#include "engine/models/s3gen/estimator_graphs.h"
#include "engine/models/shape_graphs.h"
#include "engine/pipeline/pipeline.h"

namespace chatterbox::bench {
namespace {

namespace s3 = models::s3gen;

struct TableOptions {
  std::vector<Variant> variants{Variant::kTurbo, Variant::kOriginal};
  std::vector<pipeline::Precision> precisions{pipeline::Precision::kBf16};
  std::vector<int64_t> batches{1, 16, 64};
  std::vector<int64_t> chunk_tokens{12, 48, 100};
  std::vector<std::string> graphs{"on"};
  std::vector<std::string> cudnn{"deterministic"};  // the server's setting; or "benchmark"
  std::vector<std::string> tf32{"off"};  // TF32 for float32 GEMMs and convolutions (off: exact)
  int64_t reps = 5;
  bool kernels = false;  // before each row, the kernels of its flow and its HiFT call
};

TableOptions parse(int argc, char** argv) {
  TableOptions o;
  parse_table_options("stages", argc, argv, [&](const std::string& name, const std::string& value) {
    if (name == "--variants")
      o.variants = variant_list(value);
    else if (name == "--precisions")
      o.precisions = precision_list(value);
    else if (name == "--batches")
      o.batches = count_list(value);
    else if (name == "--chunk-tokens")
      o.chunk_tokens = count_list(value);
    else if (name == "--graphs")
      o.graphs = choice_list("stages: --graphs", value, {"on", "off"});
    else if (name == "--cudnn")
      o.cudnn = choice_list("stages: --cudnn", value, {"deterministic", "benchmark"});
    else if (name == "--tf32")
      o.tf32 = choice_list("stages: --tf32", value, {"off", "on"});
    else if (name == "--kernels")
      o.kernels = on_off("stages: --kernels", value);
    else if (name == "--reps")
      o.reps = std::stoll(value);
    else
      return false;
    return true;
  });
  if (o.reps < 1) fail(ErrorCode::kInvalidArgument, "stages: --reps must be at least 1");
  return o;
}

// The fastest of `reps` runs of `work`, in ms, after one untimed run (allocation, capture).
double best_ms(int64_t reps, const std::function<void()>& work) {
  work();
  synchronize();
  double best = 1e30;
  for (int64_t i = 0; i < reps; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    synchronize();
    best = std::min(
        best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count());
  }
  return best;
}

// `batch` continuing chunks of `tokens` speech tokens, each row with the voice's prompt.
s3::FlowInputs chunk_inputs(const s3::ReferenceEmbedding& ref, int64_t batch, int64_t tokens) {
  s3::FlowInputs in;
  in.finalize = false;
  in.tokens = pattern_speech_tokens(tokens).reshape({1, tokens}).expand({batch, tokens}).clone();
  in.token_lens = torch::full({batch}, tokens, torch::kLong);
  in.prompt_tokens = ref.prompt_token.expand({batch, -1}).contiguous();
  in.prompt_token_lens = ref.prompt_token_len.expand({batch}).contiguous();
  in.prompt_feat = ref.prompt_feat.expand({batch, -1, -1}).contiguous();
  in.embedding = ref.embedding.expand({batch, -1}).contiguous();
  return in;
}

struct Split {
  double flow_ms = 0, step_ms = 0, hift_ms = 0;
  int64_t row_frames = 0;
  torch::Tensor mel, wav;  // the last timed call's outputs (seeded: equal draws every call)
};

Split measure(const s3::S3Gen& s3gen, const s3::ReferenceEmbedding& ref, int64_t batch,
              int64_t tokens, s3::EstimatorGraphs* graphs, int64_t reps, bool kernels) {
  const s3::FlowInputs in = chunk_inputs(ref, batch, tokens);
  const int64_t steps = s3gen.default_steps();
  const int64_t frames = s3::kTokenMelRatio * (ref.prompt_token.size(1) + tokens);
  torch::Tensor last_mel;
  auto run_flow = [&](int64_t n) {
    s3::FlowNoise noise;
    noise.generator = at::make_generator<at::CPUGeneratorImpl>(0);
    last_mel = s3gen.flow_chunk(in, noise, n, graphs);
  };
  auto flow = [&](int64_t n) { return best_ms(reps, [&] { run_flow(n); }); };
  Split split;
  split.flow_ms = flow(steps);
  split.mel = last_mel.to(torch::kCPU);
  split.step_ms = (split.flow_ms - flow(1)) / static_cast<double>(steps - 1);
  if (kernels) {
    std::printf("  the flow's kernels, one call:\n");
    print_kernels(profile_kernels([&] {
                    run_flow(steps);
                    synchronize();
                  }),
                  1);
  }
  split.row_frames = batch * frames;
  const torch::Tensor mel =
      torch::randn({batch, s3::kMelBins, 2 * tokens}, at::make_generator<at::CPUGeneratorImpl>(1))
          .to(device()) -
      5.0;
  auto hift = [&] {
    split.wav =
        s3gen
            .hift_chunk(mel,
                        s3::HiftNoise::from_generator(at::make_generator<at::CPUGeneratorImpl>(0)))
            .wav;
  };
  split.hift_ms = best_ms(reps, hift);
  if (kernels) {
    std::printf("  HiFT's kernels, one call:\n");
    print_kernels(profile_kernels([&] {
                    hift();
                    synchronize();
                  }),
                  1);
  }
  split.wav = split.wav.to(torch::kCPU);
  return split;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>();
}

}  // namespace

int run_stages_table(int argc, char** argv) {
  const TableOptions o = parse(argc, argv);
  std::printf(
      "stages: device %s, continuing chunks of pattern speech tokens, the built-in voice's "
      "prompt on every row, best of %lld runs\n",
      device().str().c_str(), static_cast<long long>(o.reps));
  std::printf(
      "(mel_diff, wav_diff: max |diff| against the table's first row of that batch and "
      "chunk)\n");
  std::printf("%-13s %-4s %-9s %-5s %-6s %5s %6s %6s %10s %9s %9s %9s %8s %10s %9s %9s\n", "cudnn",
              "tf32", "variant", "prec", "graphs", "batch", "tokens", "prompt", "row_frames",
              "flow_ms", "step_ms", "enc_ms", "hift_ms", "ms_per_s", "mel_diff", "wav_diff");
  for (Variant variant : o.variants)
    for (pipeline::Precision precision : o.precisions) {
      pipeline::PipelineLoadOptions load;
      load.device = device();
      load.precision = precision;
      auto p = pipeline::Pipeline::load(checkpoint(variant).dir, variant, load);
      const auto voice = p->request_voice(nullptr, 0.5);
      const s3::S3Gen& s3gen = p->s3gen();
      std::map<std::pair<int64_t, int64_t>, Split> first;
      for (const auto& cudnn : o.cudnn)
        for (const auto& tf32 : o.tf32)
          for (const auto& graphed : o.graphs) {
            at::globalContext().setDeterministicCuDNN(cudnn == "deterministic");
            at::globalContext().setBenchmarkCuDNN(cudnn == "benchmark");
            at::globalContext().setAllowTF32CuBLAS(tf32 == "on");
            at::globalContext().setAllowTF32CuDNN(tf32 == "on");
            std::unique_ptr<s3::EstimatorGraphs> graphs;
            if (graphed == "on" && models::ShapeGraphs::available(s3gen.device()))
              graphs = std::make_unique<s3::EstimatorGraphs>(s3gen.device());
            for (int64_t batch : o.batches)
              for (int64_t tokens : o.chunk_tokens) {
                const Split s =
                    measure(s3gen, voice.gen, batch, tokens, graphs.get(), o.reps, o.kernels);
                const double steps = static_cast<double>(s3gen.default_steps());
                const double audio_s = static_cast<double>(batch * tokens) / 25.0;
                const Split& base = first.emplace(std::make_pair(batch, tokens), s).first->second;
                std::printf(
                    "%-13s %-4s %-9s %-5s %-6s %5lld %6lld %6lld %10lld %9.2f %9.2f %9.2f %8.2f "
                    "%10.2f %9.2g %9.2g\n",
                    cudnn.c_str(), tf32.c_str(), variant_name(variant),
                    pipeline::precision_name(precision), graphs ? "on" : "off",
                    static_cast<long long>(batch), static_cast<long long>(tokens),
                    static_cast<long long>(voice.gen.prompt_token.size(1)),
                    static_cast<long long>(s.row_frames), s.flow_ms, s.step_ms,
                    s.flow_ms - steps * s.step_ms, s.hift_ms, (s.flow_ms + s.hift_ms) / audio_s,
                    max_abs_diff(s.mel, base.mel), max_abs_diff(s.wav, base.wav));
                std::fflush(stdout);
              }
          }
    }
  return 0;
}

}  // namespace chatterbox::bench
