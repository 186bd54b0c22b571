#include "server/speech_request.h"

#include <cctype>
#include <cstdint>

#include "engine/common/error.h"
#include "engine/text/utf8.h"
#include "server/api_error.h"
#include "server/base64.h"
#include "server/request_fields.h"
#include "server/voice_name.h"

namespace chatterbox::server {
namespace {

constexpr const char* kOpenAiVoices[] = {"alloy", "ash",   "ballad", "coral", "echo",
                                         "fable", "onyx",  "nova",   "sage",  "shimmer",
                                         "verse", "marin", "cedar"};

std::string checked_text(const std::string& text, const char* field, const RequestLimits& limits) {
  size_t chars = 0;
  try {
    chars = text::utf8_decode(text, field).size();
  } catch (const Error& e) {
    throw ApiError(400, "invalid_utf8", e.what(), field);
  }
  if (text.find_first_not_of(" \t\r\n\f\v") == std::string::npos)
    throw ApiError(422, "empty_input", std::string("'") + field + "' is empty", field);
  if (chars > limits.max_input_chars)
    throw ApiError(413, "input_too_long",
                   std::string("'") + field + "' has " + std::to_string(chars) +
                       " characters; the limit is " + std::to_string(limits.max_input_chars),
                   field);
  return text;
}

std::string checked_voice(const std::string& voice) {
  if (voice.empty() || is_openai_builtin_voice(voice)) return voice;
  if (!is_valid_voice_name(voice))
    throw ApiError(
        422, "invalid_value",
        "bad voice name " + quote_for_message(voice) + ": use 1 to 64 letters, digits, '_' or '-'",
        "voice");
  return voice;
}

AudioFormat checked_format(const std::string& name, const char* field) {
  try {
    return parse_audio_format(name);
  } catch (const Error& e) {
    throw ApiError(400, "unsupported_format", e.what(), field);
  }
}

std::string checked_language(const RequestFields& fields) {
  const char* key = fields.has("language") ? "language" : "lang_code";
  std::string language = fields.string(key).value_or("");
  for (char& c : language) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-' && c != '_')
      throw ApiError(422, "invalid_value",
                     "'" + std::string(key) + "' must be a language code such as \"en\" or \"fr\"",
                     key);
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (language.size() > 16)
    throw ApiError(422, "invalid_value", "'" + std::string(key) + "' is too long", key);
  return language;
}

// The Chatterbox options, shared by both bodies.
pipeline::SynthesisOptions parse_options(const RequestFields& f) {
  pipeline::SynthesisOptions o;
  o.exaggeration = f.number("exaggeration", 0.0, 2.0);
  o.cfg_weight = f.number("cfg_weight", 0.0, 2.0);
  o.temperature = f.number("temperature", 0.0, 5.0, /*min_exclusive=*/true);
  o.top_p = f.number("top_p", 0.0, 1.0, /*min_exclusive=*/true);
  o.min_p = f.number("min_p", 0.0, 1.0);
  o.top_k = f.integer("top_k", 0, 100000);
  o.repetition_penalty = f.number("repetition_penalty", 0.0, 10.0, /*min_exclusive=*/true);
  o.seed = f.unsigned_integer("seed");
  o.max_new_tokens = f.integer("max_new_tokens", 1, 8192);
  return o;
}

void parse_common(const RequestFields& f, SpeechRequest& r) {
  r.language = checked_language(f);
  r.options = parse_options(f);
}

}  // namespace

bool is_openai_builtin_voice(std::string_view name) {
  for (const char* voice : kOpenAiVoices)
    if (name == voice) return true;
  return false;
}

SpeechRequest parse_openai_speech_request(std::string_view body, const RequestLimits& limits) {
  const nlohmann::json object = parse_json_object(body, limits.max_body_bytes);
  const RequestFields f(object);
  SpeechRequest r;
  r.model = f.required_string("model");
  r.text = checked_text(f.required_string("input"), "input", limits);
  // A name, or OpenAI's custom-voice object {"id": "..."}.
  if (const nlohmann::json* voice = f.get("voice")) {
    if (voice->is_object()) {
      const RequestFields voice_fields(*voice);
      r.voice = checked_voice(voice_fields.required_string("id"));
    } else if (voice->is_string()) {
      r.voice = checked_voice(voice->get<std::string>());
    } else {
      throw ApiError(
          400, "invalid_type",
          std::string("'voice' must be a string or {\"id\": ...}, not ") + json_type_phrase(*voice),
          "voice");
    }
  }
  r.format = checked_format(f.string("response_format").value_or("mp3"), "response_format");
  const double speed = f.number("speed", 0.25, 4.0).value_or(1.0);
  if (speed != 1.0)
    throw ApiError(400, "unsupported_speed",
                   "speed other than 1.0 is not supported: Chatterbox has no pitch-preserving time "
                   "stretch; leave speed out or set it to 1.0",
                   "speed");
  const std::string stream_format = f.string("stream_format").value_or("audio");
  if (stream_format != "audio" && stream_format != "sse")
    throw ApiError(
        422, "invalid_value",
        "'stream_format' must be \"audio\" or \"sse\", not " + quote_for_message(stream_format),
        "stream_format");
  r.stream_format = stream_format == "sse" ? StreamFormat::kSse : StreamFormat::kAudio;
  if (!f.string("instructions").value_or("").empty())
    throw ApiError(422, "unsupported_parameter",
                   "'instructions' are not supported by Chatterbox; use exaggeration and "
                   "cfg_weight to steer the delivery",
                   "instructions");
  r.stream = f.boolean("stream").value_or(true);
  parse_common(f, r);
  return r;
}

SpeechRequest parse_native_tts_request(std::string_view body, const RequestLimits& limits) {
  return parse_native_tts_object(parse_json_object(body, limits.max_body_bytes), limits);
}

SpeechRequest parse_native_tts_object(const nlohmann::json& object, const RequestLimits& limits) {
  if (!object.is_object()) throw ApiError(400, "invalid_json", "request must be an object");
  const RequestFields f(object);
  SpeechRequest r;
  r.model = f.string("model").value_or("");
  r.text = checked_text(f.required_string("text"), "text", limits);
  r.voice = checked_voice(f.string("voice").value_or(""));
  const char* clip_key = f.has("reference_audio") ? "reference_audio" : "ref_audio";
  if (auto clip = f.string(clip_key)) {
    if (!r.voice.empty())
      throw ApiError(422, "conflicting_fields",
                     "give either 'voice' or '" + std::string(clip_key) + "', not both", clip_key);
    if (base64_decoded_size(*clip) > limits.max_reference_bytes + 3)
      throw ApiError(413, "reference_too_large",
                     "'" + std::string(clip_key) + "' exceeds the limit of " +
                         std::to_string(limits.max_reference_bytes) + " bytes",
                     clip_key);
    try {
      r.reference_clip = base64_decode(*clip, clip_key);
    } catch (const Error& e) {
      throw ApiError(400, "invalid_base64", e.what(), clip_key);
    }
    if (r.reference_clip.size() > limits.max_reference_bytes)
      throw ApiError(413, "reference_too_large",
                     "'" + std::string(clip_key) + "' exceeds the limit of " +
                         std::to_string(limits.max_reference_bytes) + " bytes",
                     clip_key);
    if (r.reference_clip.empty())
      throw ApiError(422, "empty_input", "'" + std::string(clip_key) + "' is empty", clip_key);
  }
  const char* format_key = f.has("format") ? "format" : "response_format";
  r.format = checked_format(f.string(format_key).value_or("wav"), format_key);
  r.stream = f.boolean("stream").value_or(false);
  parse_common(f, r);
  return r;
}

}  // namespace chatterbox::server
