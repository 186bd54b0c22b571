#pragma once
// How much text one T3 pass takes and how much speech it may make (DESIGN.md, Requests).

#include <cstdint>
#include <string>

#include "engine/common/variant.h"

namespace chatterbox::runtime {

// Code points of text per T3 pass: 300 for turbo and nano (upstream reports turbo drifting past
// about 300 characters) and for multilingual, 350 for the original English model.
int64_t default_text_chunk_chars(Variant variant);

// The speech-token limit of a text chunk when the request sets none: three times its expected
// speaking time (14 code points a second; CJK characters count as three) plus two seconds, at
// 25 tokens a second, and never above upstream's 1000.
int64_t speech_token_bound(const std::string& text);

}  // namespace chatterbox::runtime
