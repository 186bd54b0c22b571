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
  // tolerance < 0: exact equality (token ids). Shapes must be equal: a tensor of another shape
  // is a failure, never reshaped to fit.
  void check(const std::string& name, const torch::Tensor& actual, const torch::Tensor& expected,
             double tolerance) {
    const bool same_shape = actual.sizes() == expected.sizes();
    double diff = std::numeric_limits<double>::infinity();
    if (same_shape && actual.numel() == 0) diff = 0.0;
    if (same_shape && actual.numel() > 0) {
      const auto a = actual.to(torch::kCPU).to(torch::kDouble);
      const auto e = expected.to(torch::kCPU).to(torch::kDouble);
      diff = (a - e).abs().max().item<double>();
    }
    const bool ok =
        same_shape && std::isfinite(diff) && (tolerance < 0 ? diff == 0.0 : diff <= tolerance);
    char line[256];
    std::snprintf(line, sizeof(line), "%-22s %-14s max|diff| %.3e  tol %-7s %s", name.c_str(),
                  shape(actual).c_str(), diff, tolerance < 0 ? "exact" : format(tolerance).c_str(),
                  ok ? "ok" : "FAIL");
    std::cout << line;
    if (!same_shape) std::cout << " (shape mismatch: the golden's is " << shape(expected) << ")";
    std::cout << std::endl;
    all_ok_ = all_ok_ && ok;
  }
  // Exactly equal counts (token counts, sampling steps).
  void check_count(const std::string& name, int64_t actual, int64_t expected,
                   const std::string& source) {
    const bool ok = actual == expected;
    char line[256];
    std::snprintf(line, sizeof(line), "%-22s %-14lld %-34s %s", name.c_str(),
                  static_cast<long long>(actual), ("exact, " + source).c_str(), ok ? "ok" : "FAIL");
    std::cout << line;
    if (!ok) std::cout << " (the golden's: " << expected << ")";
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

// The golden's recorded draws ({"key", "site"} in meta["draws"], goldens/README.md) mapped onto
// the S3Gen noise they stand for, matched by call site. The vocoder's source-noise draw
// (hifigan.py:282) does not reach the reference's output and is skipped; an unknown site, or a
// listed key the file lacks, is an error, so that a change of the golden format cannot pass.
models::s3gen::S3GenNoise recorded_s3gen_noise(const Golden& golden) {
  if (!golden.meta.contains("draws"))
    fail(ErrorCode::kCorruptData, "the golden's metadata lists no draws");
  models::s3gen::S3GenNoise noise;
  for (const auto& draw : golden.meta["draws"]) {
    const std::string site = draw.at("site"), key = draw.at("key");
    if (!golden.has(key))
      fail(ErrorCode::kCorruptData,
           "the golden lists draw " + key + " (" + site + ") but holds no such tensor");
    if (site.find("s3gen.py:flow_inference") != std::string::npos)
      noise.flow_generated = golden[key];
    else if (site.find("flow_matching.py:forward") != std::string::npos)
      noise.flow_z = golden[key];
    else if (site.rfind("rand@uniform.py", 0) == 0)
      noise.hift_phase = golden[key];
    else if (site.find("hifigan.py:forward:226") != std::string::npos)
      noise.hift_sine_noise = golden[key];
    else if (site.find("hifigan.py:forward:282") == std::string::npos)
      fail(ErrorCode::kUnsupported, "unknown draw site " + site);
  }
  return noise;
}

void require_draw(const torch::Tensor& draw, const char* what) {
  if (!draw.defined())
    fail(ErrorCode::kCorruptData,
         std::string("the golden records no ") + what +
             ": a parity run replays every random draw of the reference and never makes its own");
}

// Every draw the pipeline makes, from the golden; a missing one is an error, never noise drawn
// from a seed.
pipeline::Draws recorded_draws(const Golden& golden, bool text_to_speech, bool meanflow) {
  pipeline::Draws draws;
  if (text_to_speech) {
    if (!golden.has("sample_u"))
      fail(ErrorCode::kCorruptData, "the golden has no sample_u: T3's sampling uniforms");
    draws.sample_u = golden["sample_u"];
  }
  draws.s3gen = recorded_s3gen_noise(golden);
  if (meanflow)
    require_draw(draws.s3gen.flow_generated, "meanflow noise (s3gen.py:flow_inference)");
  require_draw(draws.s3gen.flow_z, "CFM start noise (flow_matching.py:forward)");
  require_draw(draws.s3gen.hift_phase, "HiFT phase draw (uniform.py:rsample)");
  require_draw(draws.s3gen.hift_sine_noise, "HiFT sine noise (hifigan.py:forward:226)");
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

// The speech tokens S3Gen received, counted exactly against the recorded noise: the CFM start
// noise spans 2 mel frames per prompt and speech token, meanflow's its 2 per speech token.
void compare_token_count(Comparison& cmp, int64_t tokens, int64_t prompt_tokens,
                         const models::s3gen::S3GenNoise& noise) {
  const auto implied = [](int64_t frames) { return frames % 2 == 0 ? frames / 2 : -1; };
  cmp.check_count("speech tokens", tokens, implied(noise.flow_z.size(2)) - prompt_tokens,
                  "CFM noise frames");
  if (noise.flow_generated.defined())
    cmp.check_count("speech tokens", tokens, implied(noise.flow_generated.size(2)),
                    "meanflow noise frames");
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
  const pipeline::Draws draws = recorded_draws(golden, true, is_turbo_family(variant));

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

  const auto result =
      pipe->synthesize(meta["text"].get<std::string>(), meta.value("language", std::string()),
                       &conds, options, draws);
  std::cout << "speech tokens to S3Gen: " << result.speech_tokens.size(1)
            << (result.reached_stop ? " (stopped)" : "") << std::endl;
  // The e2e goldens hold no speech-token ids (the reference's generate() returns only the
  // waveform); what pins them exactly is the number of sampling steps (one uniform each) and the
  // token count the recorded noise spans. The ids themselves are pinned through mel and wav.
  cmp.check_count("T3 sampling steps", result.t3_samples, draws.sample_u.numel(), "sample_u");
  compare_token_count(cmp, result.speech_tokens.size(1), conds.gen.prompt_token.size(1),
                      draws.s3gen);
  if (golden.has("tokens")) cmp.check("tokens", result.speech_tokens, golden["tokens"], -1);
  if (golden.has("mel")) cmp.check("mel", result.mel, golden["mel"], kFeatureTolerance);
  // The pipeline gives (L,); the reference's generate() returns (1, L).
  cmp.check("wav", result.wav.unsqueeze(0), golden["wav"], kWaveformTolerance);
  std::cout << (cmp.all_ok() ? "PASS" : "FAIL") << std::endl;
  return cmp.all_ok() ? 0 : 1;
}

int run_vc(const std::string& golden_path, const pipeline::PipelineLoadOptions& load) {
  const Golden golden = open_golden(golden_path);
  const pipeline::Draws draws = recorded_draws(golden, false, false);
  pipeline::PipelineWeights weights;
  weights.s3gen = io::pattern_state_dict("s3gen_base");
  const auto pipe =
      pipeline::Pipeline::from_weights(Variant::kVoiceConversion, std::move(weights), load);
  Comparison cmp;
  const pipeline::Conditionals target =
      pipe->make_voice_from_clips(golden["target24"], torch::Tensor(), 0.5);
  const auto result = pipe->convert(golden["source16"], &target, draws, 0);
  cmp.check("source_tokens", result.speech_tokens, golden["source_tokens"], -1);
  compare_token_count(cmp, result.speech_tokens.size(1), target.gen.prompt_token.size(1),
                      draws.s3gen);
  // The pipeline gives (L,); the reference's generate() returns (1, L).
  cmp.check("wav", result.wav.unsqueeze(0), golden["wav"], kWaveformTolerance);
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
