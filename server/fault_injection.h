#pragma once
// Fault injection for the server's fault tests, off unless its environment variable is set:
//
//   CHATTERBOX_FAULT_WARMUP_FAIL=<model>[,<model>...]
//       the warm-up of each named model fails as a device failing under it would ("injected
//       warm-up failure (CHATTERBOX_FAULT_WARMUP_FAIL)"): the model ends "failed" with that
//       reason in /health while the other models serve.
//
// A server that starts with it set says so in its log.

#include <string>

#include "engine/runtime/placement_hooks.h"

namespace chatterbox::server {

constexpr const char* kFaultWarmUpFailVariable = "CHATTERBOX_FAULT_WARMUP_FAIL";

// The registry's hooks: empty unless the variable names models. `value`: the variable's value
// (nullptr when unset).
runtime::PlacementHooks fault_injection_hooks(const char* value);

}  // namespace chatterbox::server
