#include "server/wyoming/wyoming_session.h"

#include "engine/log/log.h"
#include "server/api_error.h"
#include "server/audio_stream.h"
#include "server/request_log.h"
#include "server/wyoming/wyoming_voices.h"

namespace chatterbox::server::wyoming {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

// The byte length of a terminator that ends a sentence without a following space (CJK full
// stops, the ellipsis), else 0.
size_t wide_terminator(const std::string& text, size_t i) {
  static const char* kWide[] = {"\xE2\x80\xA6", "\xE3\x80\x82", "\xEF\xBC\x81", "\xEF\xBC\x9F"};
  for (const char* t : kWide)
    if (text.compare(i, 3, t) == 0) return 3;
  return 0;
}

std::string string_field(const nlohmann::json& data, const char* key) {
  const auto it = data.find(key);
  return it != data.end() && it->is_string() ? it->get<std::string>() : "";
}

nlohmann::json object_field(const nlohmann::json& data, const char* key) {
  const auto it = data.find(key);
  return it != data.end() && it->is_object() ? *it : nlohmann::json::object();
}

// The voice and our extension "chatterbox": {the REST API's options}, other keys dropped.
Session::Voice voice_of(const nlohmann::json& data) {
  static const char* kOptions[] = {"exaggeration",  "cfg_weight", "temperature",        "top_p",
                                   "min_p",         "top_k",      "repetition_penalty", "seed",
                                   "max_new_tokens"};
  const nlohmann::json given = object_field(data, "chatterbox");
  nlohmann::json options = nlohmann::json::object();
  for (const char* key : kOptions)
    if (given.contains(key)) options[key] = given[key];
  return {object_field(data, "voice"), options};
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

size_t complete_sentences_end(const std::string& text) {
  size_t end = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t after = 0;
    if (const size_t wide = wide_terminator(text, i)) {
      after = i + wide;
    } else if ((text[i] == '.' || text[i] == '!' || text[i] == '?') && i + 1 < text.size() &&
               is_space(text[i + 1])) {
      after = i + 1;
    } else {
      continue;
    }
    while (after < text.size() && is_space(text[after])) ++after;
    end = after;
    i = after - 1;
  }
  return end;
}

void Session::run() {
  while (!gone_) {
    try {
      const std::optional<Event> event = read_event(socket_);
      if (!event) return;
      handle(*event);
    } catch (const ProtocolError& e) {
      log::info("wyoming: " + peer_ + " sent a bad event (" + e.code() + "): " + e.what());
      send_error(e.code(), e.what());
      if (e.fatal()) return;
    }
  }
}

void Session::handle(const Event& event) {
  const std::string& type = event.type;
  if (type == "describe") {
    send("info", info_data(catalog_of(core_)));
  } else if (type == "ping") {
    send("pong", {{"text", string_field(event.data, "text")}});
  } else if (type == "synthesize") {
    if (!streaming_) synthesize(event.data);
  } else if (type == "synthesize-start") {
    stream_start(event.data);
  } else if (type == "synthesize-chunk") {
    stream_chunk(event.data);
  } else if (type == "synthesize-stop") {
    stream_stop();
  } else {
    send_error("unknown_event", "chatterboxd does not handle Wyoming events of type '" + type +
                                    "' (it serves describe, synthesize and the "
                                    "synthesize-start/-chunk/-stop stream)");
  }
}

void Session::send(const std::string& type, nlohmann::json data, std::string payload) {
  if (gone_) return;
  if (!socket_.write_all(encode_event({type, std::move(data), std::move(payload)}))) gone_ = true;
}

void Session::send_error(const std::string& code, const std::string& text) {
  send("error", {{"text", text}, {"code", code}});
}

void Session::synthesize(const nlohmann::json& data) {
  audio_started_ = false;
  if (speak(string_field(data, "text"), voice_of(data)) && audio_started_) stop_audio();
}

void Session::stream_start(const nlohmann::json& data) {
  if (streaming_) {
    send_error("already_streaming", "synthesize-start came before the last one's synthesize-stop");
    return;
  }
  streaming_ = true;
  stream_voice_ = voice_of(data);
  pending_text_.clear();
  audio_started_ = false;
}

void Session::stream_chunk(const nlohmann::json& data) {
  if (!streaming_) {
    send_error("not_streaming", "synthesize-chunk came without synthesize-start");
    return;
  }
  pending_text_ += string_field(data, "text");
  const size_t end = complete_sentences_end(pending_text_);
  if (end == 0) return;
  const std::string sentences = pending_text_.substr(0, end);
  pending_text_.erase(0, end);
  speak_or_refuse(sentences, stream_voice_);
}

void Session::stream_stop() {
  if (!streaming_) {
    send_error("not_streaming", "synthesize-stop came without synthesize-start");
    return;
  }
  if (!blank(pending_text_)) speak_or_refuse(pending_text_, stream_voice_);
  pending_text_.clear();
  streaming_ = false;
  if (audio_started_) stop_audio();
  send("synthesize-stopped");
}

void Session::speak_or_refuse(const std::string& text, const Voice& voice) {
  if (!blank(text)) speak(text, voice);
}

void Session::start_audio(int sample_rate) {
  sample_rate_ = sample_rate;
  samples_sent_ = 0;
  audio_started_ = true;
  send("audio-start", {{"rate", sample_rate_}, {"width", 2}, {"channels", 1}, {"timestamp", 0}});
}

void Session::stop_audio() {
  send("audio-stop", {{"timestamp", samples_sent_ * 1000 / sample_rate_}});
  audio_started_ = false;
}

bool Session::speak(const std::string& text, const Voice& voice) {
  const RequestLog log(new_request_id());
  try {
    nlohmann::json fields = voice.options;
    fields.update(voice_fields(catalog_of(core_), voice.voice));
    fields["text"] = text;
    fields["format"] = "pcm";
    fields["stream"] = true;
    const SpeechRequest request = parse_native_tts_object(fields, core_.config().limits);
    log.info("event=wyoming_synthesize peer=" + peer_ +
             " model=" + fields["model"].get<std::string>());
    const Submission submission = core_.submit(request, log);
    AudioStream stream(submission.handle, AudioFormat::kPcm, EncodeMode::kStream);
    auto alive = [this] { return socket_.peer_open(); };
    stream.prime(alive);
    if (!audio_started_) start_audio(submission.handle->sample_rate());
    const StreamOutcome outcome = stream.run(
        [this](const std::string& pcm) {
          const int64_t timestamp = samples_sent_ * 1000 / sample_rate_;
          samples_sent_ += static_cast<int64_t>(pcm.size() / 2);
          send("audio-chunk",
               {{"rate", sample_rate_}, {"width", 2}, {"channels", 1}, {"timestamp", timestamp}},
               pcm);
          return !gone_;
        },
        alive);
    if (outcome.client_gone) {
      gone_ = true;
      log.info("event=client_gone chunks=" + std::to_string(outcome.chunks));
      return false;
    }
    core_.finished(outcome.record, log);
  } catch (...) {
    const ApiError error = to_api_error(std::current_exception());
    log.info("event=refused code=" + error.code() + " message=" + log_value(error.what()));
    send_error(error.code(), error.what());
  }
  return !gone_;
}

}  // namespace chatterbox::server::wyoming
