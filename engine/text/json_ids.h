#pragma once
// Token ids and counts read from tokenizer files, checked: nlohmann's get<int64_t>() casts a
// float or a boolean without a word (and one out of range is undefined behaviour), so a file
// with "a": 2.6e28 or an id that overflows must be refused here, as Error(kCorruptData) naming
// `origin` and `what`.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace chatterbox::text {

// The largest id accepted: BpeModel keys a merge on the pair of ids, 32 bits each.
inline constexpr int64_t kMaxTokenId = INT32_MAX;

// A whole number in [0, kMaxTokenId].
int64_t json_token_id(const nlohmann::json& value, const std::string& origin, const char* what);
// The same written as decimal digits (the keys of added_tokens_decoder).
int64_t token_id_from_text(const std::string& text, const std::string& origin, const char* what);
// A non-negative whole number (a length).
size_t json_count(const nlohmann::json& value, const std::string& origin, const char* what);

}  // namespace chatterbox::text
