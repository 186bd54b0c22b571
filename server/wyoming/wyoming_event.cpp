#include "server/wyoming/wyoming_event.h"

namespace chatterbox::server::wyoming {
namespace {

// A length field: absent is 0; anything but a whole number in [0, max] loses the framing.
size_t length_field(const nlohmann::json& header, const char* key, size_t max) {
  const auto it = header.find(key);
  if (it == header.end() || it->is_null()) return 0;
  if (!it->is_number_unsigned() && !(it->is_number_integer() && it->get<int64_t>() >= 0))
    throw ProtocolError("invalid_length", std::string("'") + key + "' must be a whole number",
                        true);
  const uint64_t n = it->get<uint64_t>();
  if (n > max)
    throw ProtocolError("too_large",
                        std::string("'") + key + "' of " + std::to_string(n) +
                            " exceeds the limit of " + std::to_string(max) + " bytes",
                        true);
  return static_cast<size_t>(n);
}

nlohmann::json parse_object(const std::string& text, const char* what) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded())
    throw ProtocolError("invalid_json", std::string(what) + " is not valid JSON", false);
  if (!value.is_object())
    throw ProtocolError("invalid_json", std::string(what) + " must be a JSON object", false);
  return value;
}

}  // namespace

std::string encode_event(const Event& event) {
  const std::string data = event.data.empty() ? "" : event.data.dump();
  nlohmann::json header = {{"type", event.type}, {"version", kProtocolVersion}};
  if (!data.empty()) header["data_length"] = data.size();
  if (!event.payload.empty()) header["payload_length"] = event.payload.size();
  return header.dump() + "\n" + data + event.payload;
}

std::optional<Event> read_event(Socket& socket, const EventLimits& limits) {
  std::string line;
  do {
    switch (socket.read_line(line, limits.max_header_bytes)) {
      case Socket::LineResult::kClosed:
        return std::nullopt;
      case Socket::LineResult::kTooLong:
        throw ProtocolError("header_too_large",
                            "event header exceeds " + std::to_string(limits.max_header_bytes) +
                                " bytes without a newline",
                            true);
      case Socket::LineResult::kLine:
        break;
    }
  } while (line.find_first_not_of(" \t\r") == std::string::npos);  // blank lines between events
  const nlohmann::json header = parse_object(line, "event header");
  const size_t data_length = length_field(header, "data_length", limits.max_data_bytes);
  const size_t payload_length = length_field(header, "payload_length", limits.max_payload_bytes);
  Event event;
  std::string data;
  if (!socket.read_exact(data_length, data) || !socket.read_exact(payload_length, event.payload))
    throw ProtocolError("truncated", "the connection closed inside an event", true);
  const auto type = header.find("type");
  if (type == header.end() || !type->is_string() || type->get<std::string>().empty())
    throw ProtocolError("invalid_event", "event header needs a 'type' string", false);
  event.type = type->get<std::string>();
  if (const auto inline_data = header.find("data");
      inline_data != header.end() && inline_data->is_object())
    event.data = *inline_data;
  if (data_length > 0) event.data.update(parse_object(data, "event data"));
  return event;
}

}  // namespace chatterbox::server::wyoming
