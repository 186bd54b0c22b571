// synth: one offline synthesis (text to speech, or voice conversion with vc) written as a WAV
// file. Every argument is checked before a model loads: the output path, the options against
// the variant (pipeline::resolve_options, check_language), the voice and the source audio.

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
#include "engine/io/atomic_file.h"
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
  // Unset: the variant's default.
  pipeline::SynthesisOptions sampling;
  bool has_text = false, has_source = false;
  std::string out;
};

[[noreturn]] void does_not_apply(const std::string& flag, Variant variant, const std::string& why) {
  fail(ErrorCode::kInvalidArgument,
       flag + " does not apply to " + variant_name(variant) + ": " + why);
}

int run_synth(const SynthOptions& o) {
  // Everything that can be checked without a model is checked first.
  const Variant variant = parse_variant(o.model.variant);
  check_writable_output(o.out, "--out");
  const pipeline::ResolvedOptions resolved = pipeline::resolve_options(variant, o.sampling);
  pipeline::check_language(variant, o.language);
  std::optional<dsp::Audio> source;
  if (variant == Variant::kVoiceConversion) {
    if (o.has_text) does_not_apply("--text", variant, "voice conversion speaks its --source");
    if (o.source.empty()) fail(ErrorCode::kInvalidArgument, "vc needs --source SPEECH");
    source = dsp::to_rate(dsp::read_audio_file(o.source), pipeline::kS3Rate);
  } else {
    if (o.has_source) does_not_apply("--source", variant, "only vc converts speech");
    if (o.text.empty()) fail(ErrorCode::kInvalidArgument, "the text is empty: give --text");
  }
  std::optional<VoiceInput> voice_input;
  if (!o.voice.empty()) voice_input = read_voice(o.voice, variant);

  const auto started = std::chrono::steady_clock::now();
  const auto pipe = load_pipeline(o.model);
  const auto loaded = std::chrono::steady_clock::now();
  std::optional<pipeline::Conditionals> voice;
  if (voice_input) voice = voice_conditionals(*pipe, *voice_input, resolved.exaggeration);
  pipeline::SynthesisResult result;
  if (variant == Variant::kVoiceConversion) {
    result = pipe->convert(source->samples, voice ? &*voice : nullptr, {}, resolved.seed);
  } else {
    pipeline::SynthesisOptions options = o.sampling;
    options.seed = resolved.seed;
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
  io::write_file_atomically(o.out, dsp::encode_wav(result.wav, pipe->sample_rate()));
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
  cmd->add_option("--text", o->text, "Text to speak (not vc)");
  cmd->add_option("--voice", o->voice,
                  "Reference clip (or saved conditionals); default: the built-in voice");
  cmd->add_option("--language", o->language, "Language code (multilingual only)");
  cmd->add_option("--source", o->source, "Speech to convert (vc only)");
  cmd->add_option("--out", o->out, "WAV file to write")->required();

  // Sampling options: unset ones take the variant's defaults; one the variant does not use is
  // refused (exit 2) rather than ignored.
  auto& s = o->sampling;
  auto add_double = [&](const std::string& flag, std::optional<double>& target,
                        const std::string& help) {
    cmd->add_option_function<double>(
        flag, [&target](const double& v) { target = v; }, help);
  };
  add_double("--temperature", s.temperature, "Sampling temperature (> 0)");
  add_double("--top-p", s.top_p, "Nucleus sampling: keep the top tokens of this mass, (0, 1]");
  add_double("--min-p", s.min_p,
             "Drop tokens below this fraction of the best one's probability, [0, 1] (original, "
             "multilingual)");
  cmd->add_option_function<int64_t>(
      "--top-k", [&s](const int64_t& v) { s.top_k = v; }, "Keep the k most likely tokens (0: all)");
  add_double("--repetition-penalty", s.repetition_penalty, "Repetition penalty (> 0, 1: none)");
  add_double("--cfg-weight", s.cfg_weight,
             "Classifier-free guidance weight, >= 0 (original, multilingual)");
  add_double("--exaggeration", s.exaggeration,
             "Emotion exaggeration, >= 0 (original, multilingual)");
  cmd->add_option_function<int64_t>(
      "--max-new-tokens", [&s](const int64_t& v) { s.max_new_tokens = v; },
      "Speech tokens at most");
  cmd->add_option_function<uint64_t>(
      "--seed", [&s](const uint64_t& v) { s.seed = v; }, "Random seed (default: random)");
  return [cmd, o]() {
    if (!*cmd) return -1;
    o->has_text = cmd->count("--text") > 0;
    o->has_source = cmd->count("--source") > 0;
    return run_synth(*o);
  };
}

}  // namespace chatterbox::server
