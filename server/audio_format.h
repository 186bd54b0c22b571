#pragma once
// The response formats chatterboxd encodes (DESIGN.md, Requests).

#include <string>
#include <string_view>

namespace chatterbox::server {

enum class AudioFormat { kWav, kPcm, kFlac, kMp3, kOpus };

// "wav", "pcm", "flac", "mp3", "opus" (case-insensitive). Anything else (aac, ...) throws
// Error(kUnsupported) naming the supported list.
AudioFormat parse_audio_format(std::string_view name);
const char* audio_format_name(AudioFormat format);
// The Content-Type of a response in this format.
const char* audio_format_mime_type(AudioFormat format);
// "wav, pcm, flac, mp3, opus"
std::string supported_audio_formats();

}  // namespace chatterbox::server
