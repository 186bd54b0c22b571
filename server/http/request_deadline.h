#pragma once
// A REST request's deadline: the X-Request-Timeout header, in seconds (decimal, > 0, at most a
// day), counted from its arrival. The engine ends a request past its deadline with 504
// deadline_exceeded (before its first audio; a stream already under way is cut short), as
// gRPC's deadline does with DEADLINE_EXCEEDED.

#include <httplib.h>

#include <optional>

#include "engine/runtime/request.h"

namespace chatterbox::server::http {

constexpr const char* kRequestTimeoutHeader = "X-Request-Timeout";

// None without the header; 400 (ApiError) for a value that is not a number of seconds in range.
std::optional<runtime::Clock::time_point> request_deadline(const httplib::Request& req);

}  // namespace chatterbox::server::http
