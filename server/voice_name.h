#pragma once
// Voice names: [A-Za-z0-9_-]{1,64}, so that a name is always a plain file stem inside the voice
// library (no path can leave the directory, no hidden or temporary files).

#include <string>
#include <string_view>

namespace chatterbox::server {

bool is_valid_voice_name(std::string_view name);
// Throws Error(kInvalidArgument) saying what a name may hold.
void require_valid_voice_name(std::string_view name);
// `text` quoted for an error message: printable ASCII kept, the rest as '?', at most 80 chars.
std::string quote_for_message(std::string_view text);

}  // namespace chatterbox::server
