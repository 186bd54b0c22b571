#pragma once
// Data files compiled into the engine (engine/assets/): checkpoint layouts and the small
// tokenizers of pattern models.

#include <string>

namespace chatterbox::io {

// The content of engine/assets/<name>, or nullptr if there is no such asset.
const char* embedded_text(const char* name);

// Same, but throws kInternal when the asset is missing.
std::string embedded_asset(const std::string& name);

}  // namespace chatterbox::io
