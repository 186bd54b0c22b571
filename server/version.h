#pragma once
// chatterboxd's version, as /health, GetStatus and `chatterboxd --version` report it.

namespace chatterbox::server {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace chatterbox::server
