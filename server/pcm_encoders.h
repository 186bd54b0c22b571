#pragma once
// The two formats written without a codec library: raw s16le ("pcm") and 16-bit WAV.

#include <memory>

#include "server/audio_encoder.h"

namespace chatterbox::server {

std::unique_ptr<AudioEncoder> make_pcm_encoder();
std::unique_ptr<AudioEncoder> make_wav_encoder(int sample_rate, EncodeMode mode);

// The 44-byte header of a mono 16-bit PCM WAV file; data_bytes = 0xFFFFFFFF (with RIFF size
// 0xFFFFFFFF) marks a stream of unknown length.
std::string wav_header(int sample_rate, uint32_t data_bytes);
constexpr uint32_t kWavUnknownSize = 0xFFFFFFFFu;

}  // namespace chatterbox::server
