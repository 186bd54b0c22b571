#pragma once
// What the REST and gRPC transports share, so that both answer alike: the API key, which model
// and voice a request names, submitting to the registry, the voice library's uploads and
// deletions, readiness and draining. Everything here goes through runtime::Registry; no tensor
// crosses it. Refusals are ApiErrors (404 with the valid names, 409, 413, 422, 503, ...).

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/registry.h"
#include "server/request_log.h"
#include "server/server_config.h"
#include "server/server_metrics.h"
#include "server/speech_request.h"
#include "server/voice_library.h"

namespace chatterbox::server {

struct ModelInfo {
  std::string name;
  Variant variant = Variant::kTurbo;
  bool ready = false;
  bool pattern_model = false;  // its audio is noise
  int sample_rate = 24000;
  std::vector<std::string> languages;  // the codes `language` takes (multilingual only)
};

struct Submission {
  std::shared_ptr<runtime::SynthesisHandle> handle;
  std::string model;
  std::string device;  // where T3 of the chosen model runs (first replica's)
};

struct VoiceUpload {
  std::string name;
  std::string model;  // empty: the default model
  std::string clip;   // encoded bytes
  std::optional<double> exaggeration;
  bool overwrite = false;
};

class TransportCore {
 public:
  TransportCore(runtime::Registry& registry, VoiceLibrary& voices, ServerMetrics& metrics,
                const ServerConfig& config);

  const ServerConfig& config() const { return config_; }
  runtime::Registry& registry() { return registry_; }
  ServerMetrics& metrics() { return metrics_; }

  // True when no key is configured, or `authorization` is "Bearer <key>".
  bool authorized(std::string_view authorization) const;

  // Empty, or one of OpenAI's model names (tts-1, tts-1-hd, gpt-4o-mini-tts): the first
  // configured model. Unknown names: 404 listing the models.
  std::string resolve_model(const std::string& requested) const;
  // A voice-library name (checked against the model's variant), one of OpenAI's built-in names
  // or empty (null: the checkpoint's built-in voice), or the request's one-off clip (made once
  // per content by the registry). Unknown names: 404 listing the valid ones.
  std::shared_ptr<const pipeline::Conditionals> resolve_voice(const std::string& model,
                                                              const SpeechRequest& request);
  // 503 while draining; the registry's refusals as ApiErrors.
  Submission submit(const SpeechRequest& request, const RequestLog& log,
                    std::optional<runtime::Clock::time_point> deadline = std::nullopt);
  // Metrics and the summary log line of a synthesis that ended.
  void finished(const runtime::FinalRecord& record, const RequestLog& log);

  VoiceInfo create_voice(const VoiceUpload& upload, const RequestLog& log);
  void delete_voice(const std::string& name, const RequestLog& log);
  // Non-empty model: only the voices its variant can use.
  std::vector<VoiceInfo> list_voices(const std::string& model) const;
  static std::vector<std::string> builtin_voice_names();

  std::vector<ModelInfo> models() const;
  std::string device_of(const std::string& model) const;
  // Every model warm, and not draining.
  bool ready() const;
  void start_draining() { draining_ = true; }
  bool draining() const { return draining_; }

 private:
  std::string valid_voice_names() const;

  runtime::Registry& registry_;
  VoiceLibrary& voices_;
  ServerMetrics& metrics_;
  const ServerConfig& config_;
  std::atomic<bool> draining_{false};
};

}  // namespace chatterbox::server
