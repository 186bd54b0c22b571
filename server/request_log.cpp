#include "server/request_log.h"

#include <nlohmann/json.hpp>
#include <random>

#include "engine/log/log.h"

namespace chatterbox::server {

std::string new_request_id() {
  static thread_local std::mt19937_64 random(std::random_device{}());
  static const char* digits = "0123456789abcdef";
  uint64_t bits = random();
  std::string id = "req-";
  for (int i = 0; i < 16; ++i, bits >>= 4) id += digits[bits & 15];
  return id;
}

std::string request_id_from(std::string_view client_id) {
  if (client_id.empty() || client_id.size() > 64) return new_request_id();
  for (char c : client_id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != ':' &&
        c != '-')
      return new_request_id();
  return std::string(client_id);
}

std::string log_value(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value)
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("._:/-+,").find(c) == std::string_view::npos)
      plain = false;
  if (plain && value.size() <= 120) return std::string(value);
  std::string shown(value.substr(0, 120));
  if (value.size() > 120) shown += "...";
  return nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string RequestLog::line(const std::string& message) const {
  return "request_id=" + request_id_ + " " + message;
}

void RequestLog::debug(const std::string& message) const {
  log::debug(line(message));
}
void RequestLog::info(const std::string& message) const {
  log::info(line(message));
}
void RequestLog::warn(const std::string& message) const {
  log::warn(line(message));
}
void RequestLog::error(const std::string& message) const {
  log::error(line(message));
}

}  // namespace chatterbox::server
