#pragma once
// FLAC, MP3 (LAME) and Ogg Opus through libsndfile, written into memory (sf_open_virtual).

#include <memory>

#include "server/audio_encoder.h"

namespace chatterbox::server {

// format: kFlac, kMp3 or kOpus.
std::unique_ptr<AudioEncoder> make_sndfile_encoder(AudioFormat format, int sample_rate,
                                                   EncodeMode mode);

}  // namespace chatterbox::server
