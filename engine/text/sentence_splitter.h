#pragma once
// Long text into pieces a T3 speaks well: split at sentence ends (. ! ? … and the CJK full
// stops), neighbouring sentences packed together up to a limit; a sentence over the limit is cut
// at a clause mark (, ; : — and their CJK forms), then at a space, and only then between
// characters. Limits count Unicode code points; a code point is never cut.

#include <cstddef>
#include <string>
#include <vector>

namespace chatterbox::text {

// Pieces in order, trimmed of surrounding white space, none empty; empty or blank text gives
// none. max_chars >= 1.
std::vector<std::string> split_for_synthesis(const std::string& text, size_t max_chars);

}  // namespace chatterbox::text
