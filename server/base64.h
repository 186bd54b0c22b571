#pragma once
// Standard base64 (RFC 4648 section 4, with padding): SSE audio deltas out, reference clips in.

#include <string>
#include <string_view>

namespace chatterbox::server {

std::string base64_encode(std::string_view bytes);
// Accepts padded or unpadded input and a data-URL prefix ("data:audio/wav;base64,"); ignores
// ASCII whitespace. Throws Error(kInvalidArgument) naming `what` on any other character or a
// bad length.
std::string base64_decode(std::string_view text, std::string_view what = "base64 data");
// The decoded size of `text` (upper bound), to refuse oversized uploads before decoding.
size_t base64_decoded_size(std::string_view text);

}  // namespace chatterbox::server
