#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.h"

namespace chatterbox::cli {
namespace {

struct SayOptions {
  std::string text, model, voice, language, format = "wav", out;
  int64_t seed = 0, max_new_tokens = 0;
  double temperature = 0;
};

v1::AudioFormat format_of(const std::string& name) {
  v1::AudioFormat format = v1::AUDIO_FORMAT_UNSPECIFIED;
  std::string upper = "AUDIO_FORMAT_";
  for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!v1::AudioFormat_Parse(upper, &format)) throw CLI::ValidationError("--format", name);
  return format;
}

v1::SynthesizeRequest request_of(const SayOptions& o, const CLI::App& cmd) {
  v1::SynthesizeRequest r;
  r.set_text(o.text);
  r.set_model(o.model);
  r.set_voice(o.voice);
  r.set_language(o.language);
  r.set_format(format_of(o.format));
  if (cmd.count("--seed")) r.set_seed(static_cast<uint64_t>(o.seed));
  if (cmd.count("--max-new-tokens")) r.set_max_new_tokens(o.max_new_tokens);
  if (cmd.count("--temperature")) r.set_temperature(o.temperature);
  return r;
}

// Statistics to stderr, the client's own times beside the server's.
void print_summary(const v1::SynthesisStatistics& s, int64_t chunks, int64_t bytes,
                   double first_audio_s, double total_s) {
  std::fprintf(stderr,
               "request_id=%s device=%s chunks=%lld bytes=%lld tokens=%lld audio_s=%.3f "
               "first_audio_s=%.3f total_s=%.3f server_ttfa_s=%.3f\n",
               s.request_id().c_str(), s.device().c_str(), static_cast<long long>(chunks),
               static_cast<long long>(bytes), static_cast<long long>(s.speech_tokens()),
               s.audio_seconds(), first_audio_s, total_s, s.time_to_first_audio_seconds());
}

int say(const ConnectionOptions& connection, const SayOptions& o, const CLI::App& cmd) {
  Connection link(connection);
  auto context = link.context();
  const auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto reader = link.tts().Synthesize(context.get(), request_of(o, cmd));
  const bool to_stdout = o.out == "-";
  std::ofstream file;
  if (!to_stdout) file.open(o.out + ".part", std::ios::binary);
  std::ostream& out = to_stdout ? std::cout : file;
  v1::SynthesizeResponse message;
  v1::SynthesisStatistics stats;
  int64_t chunks = 0, bytes = 0;
  double first_audio_s = 0;
  while (reader->Read(&message)) {
    if (message.has_statistics()) stats = message.statistics();
    if (message.message_case() != v1::SynthesizeResponse::kAudio) continue;
    if (chunks++ == 0) first_audio_s = seconds();
    bytes += static_cast<int64_t>(message.audio().size());
    out.write(message.audio().data(), static_cast<std::streamsize>(message.audio().size()));
    out.flush();
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) {
    if (!to_stdout) std::remove((o.out + ".part").c_str());
    return report(status);
  }
  if (!to_stdout) {
    file.close();
    std::rename((o.out + ".part").c_str(), o.out.c_str());
  }
  print_summary(stats, chunks, bytes, first_audio_s, seconds());
  return 0;
}

}  // namespace

Runner add_say(CLI::App& app, const ConnectionOptions& connection) {
  auto o = std::make_shared<SayOptions>();
  auto* cmd = app.add_subcommand("say", "Speak a text into an audio file (or stdout with -o -)");
  cmd->add_option("text", o->text, "Text to speak")->required();
  cmd->add_option("-o,--out", o->out, "File to write, or - for stdout as it streams")->required();
  cmd->add_option("--model", o->model, "Model name (default: the server's first)");
  cmd->add_option("--voice", o->voice, "Voice-library name (default: the built-in voice)");
  cmd->add_option("--language", o->language, "Language code (multilingual models)");
  cmd->add_option("--format", o->format, "wav, pcm, flac, mp3 or opus")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Random seed");
  cmd->add_option("--max-new-tokens", o->max_new_tokens, "Speech tokens at most");
  cmd->add_option("--temperature", o->temperature, "Sampling temperature");
  return [cmd, o, &connection]() { return *cmd ? say(connection, *o, *cmd) : -1; };
}

}  // namespace chatterbox::cli
