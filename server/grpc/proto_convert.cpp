#include "server/grpc/proto_convert.h"

#include <nlohmann/json.hpp>

#include "engine/runtime/model_status.h"
#include "engine/runtime/request.h"

namespace chatterbox::server {

AudioFormat from_proto(v1::AudioFormat format) {
  switch (format) {
    case v1::AUDIO_FORMAT_PCM:
      return AudioFormat::kPcm;
    case v1::AUDIO_FORMAT_FLAC:
      return AudioFormat::kFlac;
    case v1::AUDIO_FORMAT_MP3:
      return AudioFormat::kMp3;
    case v1::AUDIO_FORMAT_OPUS:
      return AudioFormat::kOpus;
    default:
      return AudioFormat::kWav;
  }
}

v1::AudioFormat to_proto(AudioFormat format) {
  switch (format) {
    case AudioFormat::kWav:
      return v1::AUDIO_FORMAT_WAV;
    case AudioFormat::kPcm:
      return v1::AUDIO_FORMAT_PCM;
    case AudioFormat::kFlac:
      return v1::AUDIO_FORMAT_FLAC;
    case AudioFormat::kMp3:
      return v1::AUDIO_FORMAT_MP3;
    case AudioFormat::kOpus:
      return v1::AUDIO_FORMAT_OPUS;
  }
  return v1::AUDIO_FORMAT_WAV;
}

SpeechRequest from_proto(const v1::SynthesizeRequest& request, const RequestLimits& limits) {
  // The proto's field names are the REST body's: one validation for both transports.
  nlohmann::json body = {{"model", request.model()},
                         {"text", request.text()},
                         {"format", audio_format_name(from_proto(request.format()))}};
  if (!request.language().empty()) body["language"] = request.language();
  if (!request.voice().empty()) body["voice"] = request.voice();
  if (request.has_exaggeration()) body["exaggeration"] = request.exaggeration();
  if (request.has_cfg_weight()) body["cfg_weight"] = request.cfg_weight();
  if (request.has_temperature()) body["temperature"] = request.temperature();
  if (request.has_top_p()) body["top_p"] = request.top_p();
  if (request.has_min_p()) body["min_p"] = request.min_p();
  if (request.has_top_k()) body["top_k"] = request.top_k();
  if (request.has_repetition_penalty()) body["repetition_penalty"] = request.repetition_penalty();
  if (request.has_seed()) body["seed"] = request.seed();
  if (request.has_max_new_tokens()) body["max_new_tokens"] = request.max_new_tokens();
  SpeechRequest parsed = parse_native_tts_object(body, limits);
  parsed.stream = true;
  return parsed;
}

void to_proto(const runtime::FinalRecord& r, v1::SynthesisStatistics* out) {
  out->set_request_id(r.request_id);
  out->set_device(r.device);
  out->set_speech_tokens(r.speech_tokens);
  out->set_text_segments(r.text_segments);
  out->set_reached_stop(r.reached_stop);
  out->set_samples(r.samples);
  out->set_audio_seconds(r.audio_seconds);
  out->set_queue_wait_seconds(r.queue_wait_seconds);
  out->set_time_to_first_audio_seconds(r.time_to_first_audio);
  out->set_t3_seconds(r.t3_seconds);
  out->set_s3gen_seconds(r.s3gen_seconds);
  out->set_total_seconds(r.total_seconds);
}

namespace {
v1::InstanceStatus::State to_proto(runtime::InstanceState state) {
  switch (state) {
    case runtime::InstanceState::kUnloaded:
      return v1::InstanceStatus::STATE_UNLOADED;
    case runtime::InstanceState::kLoading:
      return v1::InstanceStatus::STATE_LOADING;
    case runtime::InstanceState::kWarmingUp:
      return v1::InstanceStatus::STATE_WARMING_UP;
    case runtime::InstanceState::kReady:
      return v1::InstanceStatus::STATE_READY;
    case runtime::InstanceState::kFailed:
      return v1::InstanceStatus::STATE_FAILED;
  }
  return v1::InstanceStatus::STATE_UNSPECIFIED;
}
}  // namespace

void to_proto(const runtime::InstanceStatus& s, v1::InstanceStatus* out) {
  out->set_name(s.name);
  out->set_replica(s.replica);
  out->set_variant(s.variant);
  out->set_checkpoint_dir(s.checkpoint_dir);
  out->set_pattern_model(s.pattern_model);
  out->set_state(to_proto(s.state));
  out->set_warm(s.warm);
  out->set_error(s.error);
  for (const auto& c : s.components) {
    auto* component = out->add_components();
    component->set_name(c.name);
    component->set_requested_device(c.requested_device);
    component->set_active_device(c.active_device);
    component->set_dtype(c.dtype);
    component->set_fallback_reason(c.fallback_reason);
  }
  out->set_queue_depth(s.queue_depth);
  out->set_active_streams(s.active_streams);
  out->set_max_slots(s.max_slots);
  out->set_kv_cache_bytes(s.kv_cache_bytes);
  out->set_host_memory_bytes(s.host_memory_bytes);
  out->set_device_memory_bytes(s.device_memory_bytes);
  out->set_uptime_seconds(s.uptime_seconds);
  out->set_requests_completed(s.requests_completed);
}

void to_proto(const VoiceInfo& voice, v1::Voice* out) {
  out->set_name(voice.name);
  out->set_variant(variant_name(voice.variant));
  out->set_source_seconds(voice.source_seconds);
  out->set_created(voice.created);
}

}  // namespace chatterbox::server
