#pragma once
// Our models and voices as Wyoming names them. Every model offers its checkpoint's built-in
// voice under the model's name ("nano") and each library voice of its variant as
// "<model>/<voice>" ("nano/alice"); a bare library or OpenAI voice name means the first model.
// Languages: a multilingual model's codes, "en" for the English-only variants.

#include <nlohmann/json.hpp>
#include <string>

#include "server/transport_core.h"

namespace chatterbox::server::wyoming {

// The `info` event's data: one tts program, chatterboxd, with every voice.
nlohmann::json info_data(TransportCore& core);

// The native /v1/tts fields ("model", "voice", "language") for a Wyoming `voice` object
// {name, language, speaker} (null or absent: the first model's built-in voice).
nlohmann::json voice_fields(TransportCore& core, const nlohmann::json& voice);

}  // namespace chatterbox::server::wyoming
