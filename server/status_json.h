#pragma once
// GET /health's body: the server's state and, per model, every field of the registry's
// InstanceStatus for each replica (components with requested and active device, dtype and
// fallback reason), saying plainly when a model is a pattern model whose audio is noise.

#include <nlohmann/json.hpp>
#include <vector>

#include "engine/runtime/model_status.h"

namespace chatterbox::server {

nlohmann::json instance_status_json(const runtime::InstanceStatus& status);
// {"status": "ok" | "loading" | "failed" | "shutting_down", "ready", "version",
//  "models": [{"name", "variant", "ready", "pattern_model", "note"?, "instances": [...]}]}
nlohmann::json health_json(const std::vector<runtime::InstanceStatus>& instances, bool draining);

// "pattern model: its weights are patterns, so its audio is noise (not speech)"
const char* pattern_model_note();

}  // namespace chatterbox::server
