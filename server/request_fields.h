#pragma once
// Typed, range-checked reads of a JSON request body's fields. Every refusal is an ApiError that
// names the field: 400 for a body that is not a JSON object, a wrong type or a missing field,
// 422 for a well-typed value out of range, 413 for a body over its limit. A field set to null
// counts as absent.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace chatterbox::server {

// The body as a JSON object: 413 past `max_bytes`, 400 when it is not UTF-8, not JSON or not an
// object.
nlohmann::json parse_json_object(std::string_view body, size_t max_bytes);

class RequestFields {
 public:
  explicit RequestFields(const nlohmann::json& object) : object_(object) {}

  bool has(const char* key) const;
  const nlohmann::json* get(const char* key) const;  // nullptr when absent or null
  std::optional<std::string> string(const char* key) const;
  std::string required_string(const char* key) const;
  std::optional<bool> boolean(const char* key) const;
  // Within [min, max]; min itself refused when `min_exclusive`.
  std::optional<double> number(const char* key, double min, double max,
                               bool min_exclusive = false) const;
  // A whole number (2 and 2.0 alike) within [min, max].
  std::optional<int64_t> integer(const char* key, int64_t min, int64_t max) const;
  std::optional<uint64_t> unsigned_integer(const char* key) const;  // 0 .. 2^64-1

 private:
  const nlohmann::json& object_;
};

// "a string", "a number", ... for messages.
const char* json_type_phrase(const nlohmann::json& value);

}  // namespace chatterbox::server
