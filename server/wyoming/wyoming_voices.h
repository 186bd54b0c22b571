#pragma once
// Our models and voices as Wyoming names them. Every model offers its checkpoint's built-in
// voice under the model's name ("nano") and each library voice of its variant as
// "<model>/<voice>" ("nano/alice"); a bare library or OpenAI voice name means the first model.
// Languages: a multilingual model's codes, "en" for the English-only variants.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/transport_core.h"

namespace chatterbox::server::wyoming {

// What Wyoming's names resolve against: the served models, each one's library voices, and the
// server's model resolution (empty: the first model; unknown: ApiError 404).
struct Catalog {
  std::vector<ModelInfo> models;
  std::function<std::vector<VoiceInfo>(const std::string& model)> voices_of;
  std::function<std::string(const std::string& requested)> resolve_model;
};

Catalog catalog_of(TransportCore& core);

// The `info` event's data: one tts program, chatterboxd, with every voice.
nlohmann::json info_data(const Catalog& catalog);

// The native /v1/tts fields ("model", "voice", "language") for a Wyoming `voice` object
// {name, language, speaker} (null or absent: the first model's built-in voice).
nlohmann::json voice_fields(const Catalog& catalog, const nlohmann::json& voice);

}  // namespace chatterbox::server::wyoming
