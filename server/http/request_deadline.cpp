#include "server/http/request_deadline.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "server/api_error.h"

namespace chatterbox::server::http {
namespace {

constexpr double kMaxSeconds = 24 * 3600;

}  // namespace

std::optional<runtime::Clock::time_point> request_deadline(const httplib::Request& req) {
  if (!req.has_header(kRequestTimeoutHeader)) return std::nullopt;
  const std::string text = req.get_header_value(kRequestTimeoutHeader);
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(seconds) ||
      seconds <= 0 || seconds > kMaxSeconds)
    throw ApiError(400, "invalid_request_timeout",
                   std::string(kRequestTimeoutHeader) +
                       " must be a number of seconds above 0 and at most 86400, not '" + text + "'",
                   kRequestTimeoutHeader);
  return runtime::Clock::now() + std::chrono::duration_cast<runtime::Clock::duration>(
                                     std::chrono::duration<double>(seconds));
}

}  // namespace chatterbox::server::http
