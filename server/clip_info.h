#pragma once
// What an uploaded reference clip is, read from its header by libsndfile (no decoding into
// tensors): rate, channels, duration. Refusals are ApiErrors naming `field`: 413 past the byte
// or duration limit, 422 for bytes that are no audio libsndfile reads.

#include <string>

#include "engine/dsp/audio_file.h"

namespace chatterbox::server {

using ClipInfo = dsp::AudioHeader;

ClipInfo probe_clip(const std::string& bytes, size_t max_bytes, double max_seconds,
                    const std::string& field);

}  // namespace chatterbox::server
