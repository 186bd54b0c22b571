#pragma once
// Wyoming events (Home Assistant's voice protocol) on a byte stream: a JSON header line
// {"type", "data"?, "data_length"?, "payload_length"?, "version"?} and '\n', then
// data_length bytes of JSON merged over the inline "data", then payload_length bytes of binary
// payload (audio). Written the way the Python reference writes them: data after the line.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "server/wyoming/wyoming_socket.h"

namespace chatterbox::server::wyoming {

inline constexpr const char* kProtocolVersion = "1.8.0";

struct Event {
  std::string type;
  nlohmann::json data = nlohmann::json::object();
  std::string payload;
};

struct EventLimits {
  size_t max_header_bytes = 64 * 1024;
  size_t max_data_bytes = 1 << 20;
  size_t max_payload_bytes = 1 << 20;
};

// A malformed event. `fatal`: the stream cannot be read further (framing lost), so the
// connection must close after the error event.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(std::string code, const std::string& message, bool fatal)
      : std::runtime_error(message), code_(std::move(code)), fatal_(fatal) {}
  const std::string& code() const { return code_; }
  bool fatal() const { return fatal_; }

 private:
  std::string code_;
  bool fatal_;
};

std::string encode_event(const Event& event);
// The next event; nullopt when the peer closed between events. Throws ProtocolError.
std::optional<Event> read_event(Socket& socket, const EventLimits& limits = {});

}  // namespace chatterbox::server::wyoming
