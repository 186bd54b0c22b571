#include "server/transport_core.h"

#include <cstdio>

#include "engine/common/error.h"
#include "engine/text/languages.h"
#include "server/api_error.h"
#include "server/clip_info.h"
#include "server/voice_name.h"

namespace chatterbox::server {
namespace {

constexpr const char* kOpenAiModels[] = {"tts-1", "tts-1-hd", "gpt-4o-mini-tts"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

std::string fixed(double value, int digits = 3) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", digits, value);
  return text;
}

}  // namespace

TransportCore::TransportCore(runtime::Registry& registry, VoiceLibrary& voices,
                             ServerMetrics& metrics, const ServerConfig& config)
    : registry_(registry), voices_(voices), metrics_(metrics), config_(config) {}

bool TransportCore::authorized(std::string_view authorization) const {
  if (config_.api_key.empty()) return true;
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.substr(0, kBearer.size()) != kBearer) return false;
  const std::string_view given = authorization.substr(kBearer.size());
  // Compared in time independent of where they differ.
  const std::string& key = config_.api_key;
  unsigned diff = given.size() != key.size();
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(key[i % std::max<size_t>(key.size(), 1)]);
  return diff == 0;
}

std::string TransportCore::resolve_model(const std::string& requested) const {
  const auto names = registry_.model_names();
  if (names.empty()) throw ApiError(503, "no_model", "no model is configured");
  if (requested.empty()) return names.front();
  for (const auto& n : names)
    if (n == requested) return n;
  for (const char* alias : kOpenAiModels)
    if (requested == alias) return names.front();
  throw ApiError(404, "model_not_found",
                 "no model named " + quote_for_message(requested) + "; models: " + joined(names),
                 "model");
}

std::vector<std::string> TransportCore::builtin_voice_names() {
  return {"alloy", "ash",  "ballad",  "coral", "echo",  "fable", "onyx",
          "nova",  "sage", "shimmer", "verse", "marin", "cedar"};
}

std::string TransportCore::valid_voice_names() const {
  std::vector<std::string> names;
  for (const auto& v : voices_.list()) names.push_back(v.name);
  return "voices in the library: " + joined(names) +
         "; built-in: " + joined(builtin_voice_names()) + " (or leave 'voice' out)";
}

std::shared_ptr<const pipeline::Conditionals> TransportCore::resolve_voice(
    const std::string& model, const SpeechRequest& request) {
  if (!request.reference_clip.empty()) {
    probe_clip(request.reference_clip, config_.limits.max_reference_bytes, config_.max_clip_seconds,
               "reference_audio");
    try {
      return registry_.make_voice(model, request.reference_clip,
                                  request.options.exaggeration.value_or(0.5));
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kCorruptData)
        throw ApiError(422, "invalid_audio", e.what(), "reference_audio");
      throw;
    }
  }
  if (request.voice.empty()) return nullptr;
  if (voices_.find(request.voice)) {
    try {
      return voices_.get(request.voice, registry_.variant_of(model));
    } catch (const Error& e) {
      if (e.code() == ErrorCode::kInvalidArgument)
        throw ApiError(422, "voice_variant_mismatch", e.what(), "voice");
      throw;
    }
  }
  if (is_openai_builtin_voice(request.voice)) return nullptr;
  throw ApiError(404, "voice_not_found",
                 "no voice named " + quote_for_message(request.voice) + "; " + valid_voice_names(),
                 "voice");
}

Submission TransportCore::submit(const SpeechRequest& request, const RequestLog& log,
                                 std::optional<runtime::Clock::time_point> deadline) {
  if (draining_) throw ApiError(503, "shutting_down", "the server is shutting down");
  Submission out;
  out.model = resolve_model(request.model);
  runtime::SynthesisRequest r;
  r.id = log.request_id();
  r.text = request.text;
  r.language = request.language;
  r.voice = resolve_voice(out.model, request);
  r.options = request.options;
  r.deadline = deadline;
  r.streaming = request.streamed();
  out.handle = registry_.submit(out.model, std::move(r));
  out.device = device_of(out.model);
  log.info("event=submitted model=" + out.model +
           " voice=" + log_value(request.reference_clip.empty() ? request.voice : "<clip>") +
           " format=" + audio_format_name(request.format) +
           " chars=" + std::to_string(request.text.size()));
  return out;
}

void TransportCore::finished(const runtime::FinalRecord& record, const RequestLog& log) {
  metrics_.observe_synthesis(record);
  const double rtf = record.audio_seconds > 0 ? record.total_seconds / record.audio_seconds : 0;
  log.info(
      "event=finished device=" + record.device + " tokens=" + std::to_string(record.speech_tokens) +
      " audio_s=" + fixed(record.audio_seconds) + " ttfa_s=" + fixed(record.time_to_first_audio) +
      " total_s=" + fixed(record.total_seconds) + " rtf=" + fixed(rtf) +
      " queue_s=" + fixed(record.queue_wait_seconds));
}

VoiceInfo TransportCore::create_voice(const VoiceUpload& upload, const RequestLog& log) {
  if (!is_valid_voice_name(upload.name))
    throw ApiError(422, "invalid_value",
                   "bad voice name " + quote_for_message(upload.name) +
                       ": use 1 to 64 letters, digits, '_' or '-'",
                   "name");
  // Written so that NaN (a multipart "nan", which std::stod accepts) is refused too.
  if (upload.exaggeration && !(*upload.exaggeration >= 0 && *upload.exaggeration <= 2))
    throw ApiError(422, "invalid_value", "'exaggeration' must be within [0, 2]", "exaggeration");
  if (!upload.overwrite && voices_.find(upload.name))
    throw ApiError(409, "voice_exists",
                   "a voice named " + upload.name + " exists; set overwrite to replace it", "name");
  const std::string model = resolve_model(upload.model);
  const ClipInfo clip =
      probe_clip(upload.clip, config_.limits.max_reference_bytes, config_.max_clip_seconds, "file");
  std::shared_ptr<const pipeline::Conditionals> voice;
  try {
    voice = registry_.make_voice(model, upload.clip, upload.exaggeration.value_or(0.5));
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInvalidArgument || e.code() == ErrorCode::kCorruptData)
      throw ApiError(422, "invalid_audio", e.what(), "file");
    throw;
  }
  VoiceInfo info = voices_.create(upload.name, registry_.variant_of(model), *voice, clip.seconds,
                                  upload.overwrite);
  log.info("event=voice_created voice=" + info.name + " model=" + model +
           " clip_s=" + fixed(clip.seconds));
  return info;
}

void TransportCore::delete_voice(const std::string& name, const RequestLog& log) {
  if (!is_valid_voice_name(name))
    throw ApiError(404, "voice_not_found", "no voice named " + quote_for_message(name), "name");
  if (!voices_.find(name))
    throw ApiError(404, "voice_not_found", "no voice named " + quote_for_message(name), "name");
  voices_.remove(name);
  log.info("event=voice_deleted voice=" + name);
}

std::vector<VoiceInfo> TransportCore::list_voices(const std::string& model) const {
  auto all = voices_.list();
  if (model.empty()) return all;
  const Variant variant = registry_.variant_of(resolve_model(model));
  std::vector<VoiceInfo> out;
  for (auto& v : all)
    if (v.variant == variant) out.push_back(std::move(v));
  return out;
}

std::vector<ModelInfo> TransportCore::models() const {
  std::vector<ModelInfo> out;
  const auto status = registry_.status();
  for (const auto& name : registry_.model_names()) {
    ModelInfo m;
    m.name = name;
    m.variant = registry_.variant_of(name);
    m.ready = registry_.ready(name);
    if (m.variant == Variant::kMultilingual) m.languages = text::supported_languages();
    for (const auto& s : status)
      if (s.name == name) m.pattern_model |= s.pattern_model;
    out.push_back(m);
  }
  return out;
}

std::string TransportCore::device_of(const std::string& model) const {
  for (const auto& s : registry_.status())
    if (s.name == model && s.warm)
      for (const auto& c : s.components)
        if (c.name == "t3") return c.active_device;
  return "";
}

bool TransportCore::ready() const {
  return !draining_ && registry_.all_ready();
}

}  // namespace chatterbox::server
