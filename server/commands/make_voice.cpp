// make-voice: a reference clip -> the conditionals of one variant, saved in our safetensors form
// with the variant they were made for, so that later syntheses of that variant skip the
// reference analysis (`synth --voice FILE.safetensors`); other variants refuse the file.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "engine/common/error.h"
#include "engine/common/strings.h"
#include "engine/dsp/audio_file.h"
#include "engine/pipeline/conditionals.h"
#include "server/commands/command.h"
#include "server/commands/model_options.h"

namespace chatterbox::server {
namespace {

struct MakeVoiceOptions {
  ModelOptions model;
  std::string clip;
  double exaggeration = 0.0;
  bool has_exaggeration = false;
  std::string out;
};

int run_make_voice(const MakeVoiceOptions& o) {
  // Every argument is checked before the model loads.
  const Variant variant = parse_variant(o.model.variant);
  const std::string suffix = ".safetensors";
  if (o.out.size() <= suffix.size() || !ends_with(o.out, suffix))
    fail(ErrorCode::kInvalidArgument, "--out must name a .safetensors file, got '" + o.out + "'");
  check_writable_output(o.out, "--out");
  pipeline::SynthesisOptions options;
  if (o.has_exaggeration) options.exaggeration = o.exaggeration;
  const double exaggeration = pipeline::resolve_options(variant, options).exaggeration;
  const dsp::Audio clip = dsp::read_audio_file(o.clip);
  pipeline::check_reference_length(variant, clip.seconds());
  const auto pipe = load_pipeline(o.model);
  const pipeline::Conditionals voice = pipe->make_voice(clip, exaggeration);
  pipeline::save_conditionals(o.out, voice);
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", clip.seconds());
  std::string summary = "wrote " + o.out + ": " + variant_name(variant) + " voice from " + seconds +
                        " s of audio (" + std::to_string(voice.gen.prompt_token.size(1)) +
                        " S3Gen prompt tokens";
  if (voice.t3.cond_prompt_speech_tokens.defined())
    summary +=
        ", " + std::to_string(voice.t3.cond_prompt_speech_tokens.size(1)) + " T3 prompt tokens";
  std::cout << summary << ")" << std::endl;
  return 0;
}

}  // namespace

CommandRunner add_make_voice_command(CLI::App& app, const GlobalOptions&) {
  auto o = std::make_shared<MakeVoiceOptions>();
  auto* cmd = app.add_subcommand(
      "make-voice", "Analyse a reference clip once and save the voice for later syntheses");
  add_model_options(cmd, o->model);
  cmd->add_option("--clip", o->clip, "Reference speech (WAV, FLAC, OGG or MP3, any rate)")
      ->required();
  cmd->add_option("--exaggeration", o->exaggeration,
                  "Emotion exaggeration stored with the voice (original, multilingual)");
  cmd->add_option("--out", o->out, "Voice file to write (.safetensors)")->required();
  return [cmd, o]() {
    if (!*cmd) return -1;
    o->has_exaggeration = cmd->count("--exaggeration") > 0;
    return run_make_voice(*o);
  };
}

}  // namespace chatterbox::server
