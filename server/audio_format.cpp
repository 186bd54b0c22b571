#include "server/audio_format.h"

#include <cctype>

#include "engine/common/error.h"

namespace chatterbox::server {
namespace {
constexpr AudioFormat kAll[] = {AudioFormat::kWav, AudioFormat::kPcm, AudioFormat::kFlac,
                                AudioFormat::kMp3, AudioFormat::kOpus};
}  // namespace

AudioFormat parse_audio_format(std::string_view name) {
  std::string lower;
  for (char c : name)
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (AudioFormat format : kAll)
    if (lower == audio_format_name(format)) return format;
  fail(ErrorCode::kUnsupported, "unsupported response format '" + std::string(name) +
                                    "'; supported: " + supported_audio_formats());
}

const char* audio_format_name(AudioFormat format) {
  switch (format) {
    case AudioFormat::kWav:
      return "wav";
    case AudioFormat::kPcm:
      return "pcm";
    case AudioFormat::kFlac:
      return "flac";
    case AudioFormat::kMp3:
      return "mp3";
    case AudioFormat::kOpus:
      return "opus";
  }
  return "wav";
}

const char* audio_format_mime_type(AudioFormat format) {
  switch (format) {
    case AudioFormat::kWav:
      return "audio/wav";
    case AudioFormat::kPcm:
      return "audio/pcm";
    case AudioFormat::kFlac:
      return "audio/flac";
    case AudioFormat::kMp3:
      return "audio/mpeg";
    case AudioFormat::kOpus:
      return "audio/ogg";  // Ogg Opus
  }
  return "application/octet-stream";
}

std::string supported_audio_formats() {
  std::string list;
  for (AudioFormat format : kAll)
    list += std::string(list.empty() ? "" : ", ") + audio_format_name(format);
  return list;
}

}  // namespace chatterbox::server
