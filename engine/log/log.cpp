#include "engine/log/log.h"

#include <spdlog/spdlog.h>

#include "engine/common/error.h"

namespace chatterbox::log {

void set_level(const std::string& name) {
  static const std::pair<const char*, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug},
      {"info", spdlog::level::info},   {"warn", spdlog::level::warn},
      {"error", spdlog::level::err},
  };
  for (const auto& [level_name, level] : kLevels) {
    if (name == level_name) {
      spdlog::set_level(level);
      return;
    }
  }
  fail(ErrorCode::kInvalidArgument,
       "unknown log level '" + name + "' (expected trace, debug, info, warn or error)");
}

void write(Level level, const std::string& message) {
  switch (level) {
    case Level::kTrace:
      spdlog::trace(message);
      break;
    case Level::kDebug:
      spdlog::debug(message);
      break;
    case Level::kInfo:
      spdlog::info(message);
      break;
    case Level::kWarn:
      spdlog::warn(message);
      break;
    case Level::kError:
      spdlog::error(message);
      break;
  }
}

}  // namespace chatterbox::log
