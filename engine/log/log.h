#pragma once
// Logging for the engine and server. spdlog stays behind this interface, in a library compiled
// without libtorch's headers: PyTorch's libtorch ships its own fmt, which Debian's spdlog does not
// build against.

#include <string>

namespace chatterbox::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError };

// trace, debug, info, warn, error; throws chatterbox::Error(kInvalidArgument) for other names.
void set_level(const std::string& name);
void write(Level level, const std::string& message);

inline void debug(const std::string& message) {
  write(Level::kDebug, message);
}
inline void info(const std::string& message) {
  write(Level::kInfo, message);
}
inline void warn(const std::string& message) {
  write(Level::kWarn, message);
}
inline void error(const std::string& message) {
  write(Level::kError, message);
}

}  // namespace chatterbox::log
