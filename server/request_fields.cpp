#include "server/request_fields.h"

#include <cmath>

#include "engine/common/error.h"
#include "engine/text/utf8.h"
#include "server/api_error.h"
#include "server/metrics.h"

namespace chatterbox::server {
namespace {

[[noreturn]] void wrong_type(const char* key, const char* wanted, const nlohmann::json& value) {
  throw ApiError(
      400, "invalid_type",
      std::string("'") + key + "' must be " + wanted + ", not " + json_type_phrase(value), key);
}

std::string range_text(double min, double max, bool min_exclusive) {
  return std::string(min_exclusive ? "(" : "[") + format_metric_value(min) + ", " +
         format_metric_value(max) + "]";
}

}  // namespace

const char* json_type_phrase(const nlohmann::json& value) {
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  if (value.is_array()) return "an array";
  if (value.is_object()) return "an object";
  return "null";
}

nlohmann::json parse_json_object(std::string_view body, size_t max_bytes) {
  if (body.size() > max_bytes)
    throw ApiError(413, "body_too_large",
                   "request body of " + std::to_string(body.size()) +
                       " bytes exceeds the limit of " + std::to_string(max_bytes) + " bytes");
  try {
    text::require_valid_utf8(body, "request body");
  } catch (const Error& e) {
    throw ApiError(400, "invalid_utf8", e.what());
  }
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body);
  } catch (const nlohmann::json::exception& e) {
    // parse_error, and out_of_range for a number beyond a double ("1e400").
    throw ApiError(400, "invalid_json", std::string("request body is not valid JSON: ") + e.what());
  }
  if (!parsed.is_object())
    throw ApiError(
        400, "invalid_json",
        std::string("request body must be a JSON object, not ") + json_type_phrase(parsed));
  return parsed;
}

const nlohmann::json* RequestFields::get(const char* key) const {
  auto it = object_.find(key);
  return it == object_.end() || it->is_null() ? nullptr : &*it;
}

bool RequestFields::has(const char* key) const {
  return get(key) != nullptr;
}

std::optional<std::string> RequestFields::string(const char* key) const {
  const nlohmann::json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_string()) wrong_type(key, "a string", *v);
  return v->get<std::string>();
}

std::string RequestFields::required_string(const char* key) const {
  auto value = string(key);
  if (!value) throw ApiError(400, "missing_field", std::string("'") + key + "' is required", key);
  return *value;
}

std::optional<bool> RequestFields::boolean(const char* key) const {
  const nlohmann::json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) wrong_type(key, "a boolean", *v);
  return v->get<bool>();
}

std::optional<double> RequestFields::number(const char* key, double min, double max,
                                            bool min_exclusive) const {
  const nlohmann::json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) wrong_type(key, "a number", *v);
  const double x = v->get<double>();
  if (!std::isfinite(x) || x < min || x > max || (min_exclusive && x == min))
    throw ApiError(422, "out_of_range",
                   std::string("'") + key + "' must be in " + range_text(min, max, min_exclusive) +
                       ", got " + format_metric_value(x),
                   key);
  return x;
}

std::optional<int64_t> RequestFields::integer(const char* key, int64_t min, int64_t max) const {
  const nlohmann::json* v = get(key);
  if (!v) return std::nullopt;
  if (!v->is_number()) wrong_type(key, "an integer", *v);
  bool in_range = false;
  int64_t value = 0;
  if (v->is_number_unsigned()) {
    const uint64_t u = v->get<uint64_t>();
    in_range = max >= 0 && u <= static_cast<uint64_t>(max) && static_cast<int64_t>(u) >= min;
    value = in_range ? static_cast<int64_t>(u) : 0;
  } else if (v->is_number_integer()) {
    value = v->get<int64_t>();
    in_range = value >= min && value <= max;
  } else {
    const double x = v->get<double>();
    if (!std::isfinite(x) || x != std::floor(x)) wrong_type(key, "an integer", *v);
    in_range = x >= static_cast<double>(min) && x <= static_cast<double>(max);
    value = in_range ? static_cast<int64_t>(x) : 0;
  }
  if (!in_range)
    throw ApiError(422, "out_of_range",
                   std::string("'") + key + "' must be an integer in [" + std::to_string(min) +
                       ", " + std::to_string(max) + "], got " + v->dump(),
                   key);
  return value;
}

std::optional<uint64_t> RequestFields::unsigned_integer(const char* key) const {
  const nlohmann::json* v = get(key);
  if (!v) return std::nullopt;
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  bool whole = v->is_number_integer();
  if (v->is_number_float()) {
    const double x = v->get<double>();
    whole = std::isfinite(x) && x == std::floor(x);
    if (whole && x >= 0 && x < 18446744073709551616.0) return static_cast<uint64_t>(x);
  }
  if (!whole) wrong_type(key, "a non-negative integer", *v);
  throw ApiError(422, "out_of_range",
                 std::string("'") + key + "' must be an integer in [0, 2^64-1], got " + v->dump(),
                 key);
}

}  // namespace chatterbox::server
