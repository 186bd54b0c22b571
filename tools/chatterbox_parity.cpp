// chatterbox-parity: reruns a whole pipeline golden (e2e_base / e2e_turbo format, or vc) with
// the pattern weights built in memory, the golden's reference audio and recorded randomness,
// and compares every intermediate the golden holds. Exit 0 only if all are within tolerance.

#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/dsp/loudness.h"
#include "engine/io/param_layout.h"
#include "engine/io/safetensors.h"
#include "engine/pipeline/pipeline.h"
#include "engine/runtime/device.h"
#include "engine/runtime/precision.h"
#include "engine/runtime/threads.h"
#include "tests/support/recorded_draws.h"

namespace chatterbox::parity_tool {
namespace {

constexpr double kFeatureTolerance = 1e-4;
constexpr double kWaveformTolerance = 1e-3;

struct Golden {
  io::SafetensorsFile file;
  nlohmann::json meta;
  torch::Tensor operator[](const std::string& name) const { return file.tensor(name); }
  bool has(const std::string& name) const { return file.contains(name); }
};

Golden open_golden(const std::string& path) {
  auto file = io::SafetensorsFile::open(path);
  auto meta = nlohmann::json::parse(file.meta_json());
  return Golden{std::move(file), std::move(meta)};
}

class Comparison {
 public:
  // tolerance < 0: exact equality (token ids).
  void check(const std::string& name, const torch::Tensor& actual, const torch::Tensor& expected,
             double tolerance) {
    const auto a = actual.to(torch::kCPU).to(torch::kDouble).reshape({-1});
    const auto e = expected.to(torch::kCPU).to(torch::kDouble).reshape({-1});
    bool ok = actual.sizes() == expected.sizes() ||
              a.numel() == e.numel();  // (1, n) vs (n,) is the same tensor
    double diff = std::numeric_limits<double>::infinity();
    if (ok && a.numel() > 0) diff = (a - e).abs().max().item<double>();
    if (ok && a.numel() == 0) diff = 0.0;
    if (ok) ok = std::isfinite(diff) && (tolerance < 0 ? diff == 0.0 : diff <= tolerance);
    char line[256];
    std::snprintf(line, sizeof(line), "%-22s %-14s max|diff| %.3e  tol %-7s %s", name.c_str(),
                  shape(actual).c_str(), diff, tolerance < 0 ? "exact" : format(tolerance).c_str(),
                  ok ? "ok" : "FAIL");
    std::cout << line;
    if (actual.numel() != expected.numel())
      std::cout << " (golden shape " << shape(expected) << ")";
    std::cout << std::endl;
    all_ok_ = all_ok_ && ok;
  }
  void check_text(const std::string& name, const std::string& actual, const std::string& expected) {
    const bool ok = actual == expected;
    char line[128];
    std::snprintf(line, sizeof(line), "%-22s %-14s %-34s %s", name.c_str(), "", "exactly equal",
                  ok ? "ok" : "FAIL");
    std::cout << line << std::endl;
    if (!ok) std::cout << "  ours:      " << actual << "\n  reference: " << expected << std::endl;
    all_ok_ = all_ok_ && ok;
  }
  bool all_ok() const { return all_ok_; }

 private:
  static std::string shape(const torch::Tensor& t) { return io::shape_string(t.sizes()); }
  static std::string format(double v) {
    char text[16];
    std::snprintf(text, sizeof(text), "%.0e", v);
    return text;
  }
  bool all_ok_ = true;
};

pipeline::Draws recorded_draws(const Golden& golden) {
  pipeline::Draws draws;
  if (golden.has("sample_u")) draws.sample_u = golden["sample_u"];
  if (golden.meta.contains("draws"))
    draws.s3gen = testing::recorded_s3gen_noise(
        golden.meta["draws"], [&](const std::string& key) { return golden[key]; });
  return draws;
}

// A parity run must happen where it was asked to: no silent fallback to the CPU.
torch::Device required_device(const std::string& name) {
  const runtime::DeviceChoice choice = runtime::choose_device(name);
  if (!choice.fallback_reason.empty())
    fail(ErrorCode::kUnsupported, "device " + name + ": " + choice.fallback_reason);
  return choice.device;
}

// The golden names its variant; the first e2e goldens (English) predate that key.
Variant golden_variant(const nlohmann::json& meta) {
  if (meta.contains("variant")) return parse_variant(meta["variant"].get<std::string>());
  if (meta.contains("cfg_weight")) return Variant::kOriginal;
  fail(ErrorCode::kInvalidArgument, "the golden's metadata names no variant");
}

std::string default_tokenizer_path(const std::string& golden_path, Variant variant) {
  const std::string dir = fs::parent_path(golden_path);
  switch (variant) {
    case Variant::kTurbo:
    case Variant::kNano:
      return fs::join(dir.empty() ? "." : dir, "turbo_tokenizer");
    case Variant::kMultilingual:
      return fs::join(dir.empty() ? "." : dir, "mtl_tokenizer.json");
    default:
      return fs::join(dir.empty() ? "." : dir, "tokenizer.json");
  }
}

std::unique_ptr<text::TextTokenizer> load_tokenizer(const std::string& path, Variant variant) {
  if (variant == Variant::kTurbo || variant == Variant::kNano)
    return text::load_text_tokenizer(text::TextVariant::kTurbo,
                                     fs::is_directory(path) ? path : fs::parent_path(path));
  if (fs::is_directory(path))
    return text::load_text_tokenizer(variant == Variant::kMultilingual
                                         ? text::TextVariant::kMultilingual
                                         : text::TextVariant::kOriginal,
                                     path);
  if (variant == Variant::kMultilingual)
    fail(ErrorCode::kUnsupported, "give the multilingual tokenizer's checkpoint directory");
  if (fs::file_name(path) != "tokenizer.json")
    fail(ErrorCode::kInvalidArgument, "the English tokenizer file must be named tokenizer.json");
  const std::string dir = fs::parent_path(path);
  return text::load_text_tokenizer(text::TextVariant::kOriginal, dir.empty() ? "." : dir);
}

template <typename T>
std::optional<T> meta_value(const nlohmann::json& meta, const char* key) {
  if (!meta.contains(key) || meta[key].is_null()) return std::nullopt;
  return meta[key].get<T>();
}

void compare_conditionals(Comparison& cmp, const pipeline::Conditionals& conds,
                          const Golden& golden) {
  cmp.check("t3_speaker_emb", conds.t3.speaker_emb, golden["t3_speaker_emb"], kFeatureTolerance);
  cmp.check("t3_prompt_tokens", conds.t3.cond_prompt_speech_tokens, golden["t3_prompt_tokens"], -1);
  cmp.check("gen_prompt_token", conds.gen.prompt_token, golden["gen_prompt_token"], -1);
  cmp.check("gen_prompt_feat", conds.gen.prompt_feat, golden["gen_prompt_feat"], kFeatureTolerance);
  cmp.check("gen_embedding", conds.gen.embedding, golden["gen_embedding"], kFeatureTolerance);
}

int run_e2e(const std::string& golden_path, const std::string& tokenizer_option,
            const pipeline::PipelineLoadOptions& load) {
  const Golden golden = open_golden(golden_path);
  const nlohmann::json& meta = golden.meta;
  const Variant variant = golden_variant(meta);
  const std::string tokenizer_path =
      tokenizer_option.empty() ? default_tokenizer_path(golden_path, variant) : tokenizer_option;
  std::cout << "golden " << golden_path << ": variant " << variant_name(variant) << ", tokenizer "
            << tokenizer_path << std::endl;

  pipeline::PipelineWeights weights;
  weights.t3 = io::pattern_state_dict(io::t3_layout_name(variant));
  weights.s3gen = io::pattern_state_dict(io::s3gen_layout_name(variant));
  weights.voice_encoder = io::pattern_state_dict("ve");
  weights.tokenizer = load_tokenizer(tokenizer_path, variant);
  const auto pipe = pipeline::Pipeline::from_weights(variant, std::move(weights), load);

  pipeline::SynthesisOptions options;
  options.temperature = meta_value<double>(meta, "temperature");
  options.top_p = meta_value<double>(meta, "top_p");
  options.min_p = meta_value<double>(meta, "min_p");
  options.top_k = meta_value<int64_t>(meta, "top_k");
  options.repetition_penalty = meta_value<double>(meta, "repetition_penalty");
  options.cfg_weight = meta_value<double>(meta, "cfg_weight");
  options.exaggeration = meta_value<double>(meta, "exaggeration");
  options.max_new_tokens = meta_value<int64_t>(meta, "max_new_tokens");
  options.seed = 0;
  const double exaggeration = options.exaggeration.value_or(pipe->resolve(options).exaggeration);

  Comparison cmp;
  if (meta.contains("normalized"))
    cmp.check_text("normalized text", pipe->normalize_text(meta["text"].get<std::string>()),
                   meta["normalized"].get<std::string>());
  // The reference at both rates as the golden's pipeline received it.
  torch::Tensor wav24 = golden["wav24"];
  torch::Tensor wav16 = golden["wav16"];
  if (meta.value("norm_loudness", false)) {
    wav24 = dsp::normalize_loudness(wav24, pipeline::kS3GenRate, pipeline::kTurboReferenceLufs).wav;
    wav16 = golden["ref16_after_loudness"];
  }
  const pipeline::Conditionals conds = pipe->make_voice_from_clips(wav24, wav16, exaggeration);
  compare_conditionals(cmp, conds, golden);

  const pipeline::Draws draws = recorded_draws(golden);
  const auto result =
      pipe->synthesize(meta["text"].get<std::string>(), meta.value("language", std::string()),
                       &conds, options, draws);
  std::cout << "speech tokens to S3Gen: " << result.speech_tokens.size(1)
            << (result.reached_stop ? " (stopped)" : "") << std::endl;
  if (draws.s3gen.flow_z.defined())  // z spans 2 (prompt + tokens) frames: pins the token count
    std::cout << "token count implied by the recorded z: "
              << draws.s3gen.flow_z.size(2) / 2 - conds.gen.prompt_token.size(1) << std::endl;
  if (golden.has("tokens")) cmp.check("tokens", result.speech_tokens, golden["tokens"], -1);
  if (golden.has("mel")) cmp.check("mel", result.mel, golden["mel"], kFeatureTolerance);
  cmp.check("wav", result.wav, golden["wav"], kWaveformTolerance);
  std::cout << (cmp.all_ok() ? "PASS" : "FAIL") << std::endl;
  return cmp.all_ok() ? 0 : 1;
}

int run_vc(const std::string& golden_path, const pipeline::PipelineLoadOptions& load) {
  const Golden golden = open_golden(golden_path);
  pipeline::PipelineWeights weights;
  weights.s3gen = io::pattern_state_dict("s3gen_base");
  const auto pipe =
      pipeline::Pipeline::from_weights(Variant::kVoiceConversion, std::move(weights), load);
  Comparison cmp;
  const pipeline::Conditionals target =
      pipe->make_voice_from_clips(golden["target24"], torch::Tensor(), 0.5);
  const auto result = pipe->convert(golden["source16"], &target, recorded_draws(golden), 0);
  cmp.check("source_tokens", result.speech_tokens, golden["source_tokens"], -1);
  cmp.check("wav", result.wav, golden["wav"], kWaveformTolerance);
  std::cout << (cmp.all_ok() ? "PASS" : "FAIL") << std::endl;
  return cmp.all_ok() ? 0 : 1;
}

}  // namespace
}  // namespace chatterbox::parity_tool

int main(int argc, char** argv) {
  using namespace chatterbox;
  CLI::App app{"chatterbox-parity: rerun a pipeline golden and compare every intermediate"};
  app.require_subcommand(1);
  std::string golden, tokenizer, device = "cpu";
  int threads = 0;
  app.add_option("--threads", threads, "Intra-op CPU threads (0: all cores)");
  app.add_option("--device", device, "Device to run the models on: cpu, cuda, cuda:N, mps")
      ->capture_default_str();
  auto* e2e = app.add_subcommand("e2e", "a text-to-speech golden (e2e_base / e2e_turbo format)");
  e2e->add_option("golden", golden, "the golden .safetensors")->required();
  e2e->add_option("--tokenizer", tokenizer,
                  "tokenizer.json, or the turbo tokenizer directory (default: beside the golden)");
  auto* vc = app.add_subcommand("vc", "a voice-conversion golden");
  vc->add_option("golden", golden, "the golden .safetensors")->required();
  CLI11_PARSE(app, argc, argv);
  try {
    runtime::configure_threads(threads);
    runtime::set_allow_tf32(false);  // the goldens are exact float32
    runtime::set_deterministic_kernels(true);
    pipeline::PipelineLoadOptions load;
    load.device = parity_tool::required_device(device);
    if (e2e->parsed()) return parity_tool::run_e2e(golden, tokenizer, load);
    return parity_tool::run_vc(golden, load);
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << " (" << error_code_name(e.code()) << ")" << std::endl;
    return 2;
  }
}
