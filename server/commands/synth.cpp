#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "engine/common/error.h"
#include "engine/common/variant.h"
#include "engine/dsp/audio_file.h"
#include "engine/dsp/resample_soxr.h"
#include "engine/log/log.h"
#include "engine/pipeline/pipeline.h"
#include "server/commands/command.h"
#include "server/commands/model_options.h"

namespace chatterbox::server {
namespace {

struct SynthOptions {
  ModelOptions model;
  std::string text;
  std::string voice;  // a reference clip, or saved conditionals (.safetensors / conds .pt)
  std::string language;
  std::string source;  // voice conversion: the speech to convert
  uint64_t seed = 0;
  double temperature = 0, exaggeration = 0, cfg_weight = 0;
  int64_t max_new_tokens = 0;
  std::string out;
  // Which of the optional values were given.
  bool has_seed = false, has_temperature = false, has_exaggeration = false, has_cfg_weight = false,
       has_max_new_tokens = false;
};

template <typename T>
std::optional<T> given(bool has, T value) {
  return has ? std::optional<T>(value) : std::nullopt;
}

int run_synth(const SynthOptions& o) {
  const Variant variant = parse_variant(o.model.variant);
  const auto started = std::chrono::steady_clock::now();
  const auto pipe = load_pipeline(o.model);
  const auto loaded = std::chrono::steady_clock::now();
  pipeline::SynthesisResult result;
  if (variant == Variant::kVoiceConversion) {
    if (o.source.empty()) fail(ErrorCode::kInvalidArgument, "vc needs --source SPEECH");
    std::optional<pipeline::Conditionals> target;
    if (!o.voice.empty()) target = voice_from_file(*pipe, o.voice, 0.5);
    const auto source = dsp::to_rate(dsp::read_audio_file(o.source), pipeline::kS3Rate);
    result =
        pipe->convert(source.samples, target ? &*target : nullptr, {}, given(o.has_seed, o.seed));
  } else {
    pipeline::SynthesisOptions options;
    options.seed = given(o.has_seed, o.seed);
    options.temperature = given(o.has_temperature, o.temperature);
    options.exaggeration = given(o.has_exaggeration, o.exaggeration);
    options.cfg_weight = given(o.has_cfg_weight, o.cfg_weight);
    options.max_new_tokens = given(o.has_max_new_tokens, o.max_new_tokens);
    const auto resolved = pipe->resolve(options);
    std::optional<pipeline::Conditionals> voice;
    if (!o.voice.empty()) voice = voice_from_file(*pipe, o.voice, resolved.exaggeration);
    const bool show_progress = isatty(STDERR_FILENO);
    pipeline::ProgressCallback progress;
    if (show_progress)
      progress = [&](int64_t n) {
        std::fprintf(stderr, "\rspeech tokens: %lld / %lld", static_cast<long long>(n),
                     static_cast<long long>(resolved.t3.max_new_tokens));
        std::fflush(stderr);
        return true;
      };
    result = pipe->synthesize(o.text, o.language, voice ? &*voice : nullptr, options, {}, progress);
    if (show_progress) std::fprintf(stderr, "\n");
  }
  dsp::write_wav_file(o.out, result.wav, pipe->sample_rate());
  const auto done = std::chrono::steady_clock::now();
  const double load_s = std::chrono::duration<double>(loaded - started).count();
  const double synth_s = std::chrono::duration<double>(done - loaded).count();
  const double audio_s = static_cast<double>(result.wav.numel()) / pipe->sample_rate();
  char line[256];
  std::snprintf(line, sizeof(line),
                "wrote %s: %.2f s of audio, %lld speech tokens; load %.1f s, synthesis %.1f s",
                o.out.c_str(), audio_s, static_cast<long long>(result.speech_tokens.size(1)),
                load_s, synth_s);
  std::cout << line << std::endl;
  return 0;
}

}  // namespace

CommandRunner add_synth_command(CLI::App& app, const GlobalOptions&) {
  auto o = std::make_shared<SynthOptions>();
  auto* cmd = app.add_subcommand("synth", "Run one synthesis offline and write a WAV file");
  add_model_options(cmd, o->model);
  cmd->add_option("--text", o->text, "Text to speak");
  cmd->add_option("--voice", o->voice,
                  "Reference clip (or saved conditionals); default: the built-in voice");
  cmd->add_option("--language", o->language, "Language code (multilingual)");
  cmd->add_option("--source", o->source, "Speech to convert (vc)");
  cmd->add_option("--seed", o->seed, "Random seed (default: random)");
  cmd->add_option("--temperature", o->temperature, "Sampling temperature");
  cmd->add_option("--exaggeration", o->exaggeration, "Emotion exaggeration (Llama variants)");
  cmd->add_option("--cfg-weight", o->cfg_weight, "Classifier-free guidance weight");
  cmd->add_option("--max-new-tokens", o->max_new_tokens, "Speech tokens at most");
  cmd->add_option("--out", o->out, "WAV file to write")->required();
  return [cmd, o]() {
    if (!*cmd) return -1;
    o->has_seed = cmd->count("--seed") > 0;
    o->has_temperature = cmd->count("--temperature") > 0;
    o->has_exaggeration = cmd->count("--exaggeration") > 0;
    o->has_cfg_weight = cmd->count("--cfg-weight") > 0;
    o->has_max_new_tokens = cmd->count("--max-new-tokens") > 0;
    return run_synth(*o);
  };
}

}  // namespace chatterbox::server
