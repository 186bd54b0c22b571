#include "engine/text/json_ids.h"

#include "engine/common/error.h"

namespace chatterbox::text {
namespace {

[[noreturn]] void bad(const std::string& origin, const char* what, const std::string& value,
                      const char* wanted) {
  fail(ErrorCode::kCorruptData, origin + ": " + what + " must be " + wanted + ", not " + value);
}

}  // namespace

int64_t json_token_id(const nlohmann::json& value, const std::string& origin, const char* what) {
  const bool in_range = (value.is_number_unsigned() && value.get<uint64_t>() <= kMaxTokenId) ||
                        (value.is_number_integer() && value.get<int64_t>() >= 0 &&
                         value.get<int64_t>() <= kMaxTokenId);
  if (!in_range) bad(origin, what, value.dump(), "a token id in [0, 2^31-1]");
  return value.get<int64_t>();
}

int64_t token_id_from_text(const std::string& text, const std::string& origin, const char* what) {
  // Ten digits at most always fit an int64_t.
  const bool digits = !text.empty() && text.size() <= 10 &&
                      text.find_first_not_of("0123456789") == std::string::npos;
  const int64_t id = digits ? std::stoll(text) : -1;
  if (id < 0 || id > kMaxTokenId) bad(origin, what, "'" + text + "'", "a token id in [0, 2^31-1]");
  return id;
}

size_t json_count(const nlohmann::json& value, const std::string& origin, const char* what) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
    bad(origin, what, value.dump(), "a non-negative integer");
  return value.get<size_t>();
}

}  // namespace chatterbox::text
