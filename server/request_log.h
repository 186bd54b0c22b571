#pragma once
// Log lines about one request, each carrying its id: "request_id=<id> <event> key=value ...".
// Ids come from the client (X-Request-Id, x-request-id metadata) when they are safe to log, or
// are made here.

#include <string>
#include <string_view>

namespace chatterbox::server {

// "req-" and 16 hex digits.
std::string new_request_id();
// The client's id if it is 1 to 64 of [A-Za-z0-9._:-], else a new one.
std::string request_id_from(std::string_view client_id);
// A value for a key=value log field: as is when plain, else JSON-quoted (at most 120 chars).
std::string log_value(std::string_view value);

class RequestLog {
 public:
  explicit RequestLog(std::string request_id) : request_id_(std::move(request_id)) {}
  const std::string& request_id() const { return request_id_; }

  void debug(const std::string& message) const;
  void info(const std::string& message) const;
  void warn(const std::string& message) const;
  void error(const std::string& message) const;

 private:
  std::string line(const std::string& message) const;
  std::string request_id_;
};

}  // namespace chatterbox::server
