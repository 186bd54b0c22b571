#include "server/clip_info.h"

#include <sndfile.h>

#include <algorithm>
#include <cstring>

#include "engine/dsp/vorbis_headers.h"
#include "server/api_error.h"

namespace chatterbox::server {
namespace {

struct Reader {
  const std::string* bytes;
  sf_count_t position = 0;
};

sf_count_t get_length(void* self) {
  return static_cast<sf_count_t>(static_cast<Reader*>(self)->bytes->size());
}
sf_count_t seek(sf_count_t offset, int whence, void* self) {
  auto* r = static_cast<Reader*>(self);
  const sf_count_t size = get_length(self);
  sf_count_t base = whence == SEEK_CUR ? r->position : whence == SEEK_END ? size : 0;
  r->position = std::clamp<sf_count_t>(base + offset, 0, size);
  return r->position;
}
sf_count_t read(void* ptr, sf_count_t count, void* self) {
  auto* r = static_cast<Reader*>(self);
  const sf_count_t n = std::clamp<sf_count_t>(get_length(self) - r->position, 0, count);
  std::memcpy(ptr, r->bytes->data() + r->position, static_cast<size_t>(n));
  r->position += n;
  return n;
}
sf_count_t write(const void*, sf_count_t, void*) {
  return 0;
}
sf_count_t tell(void* self) {
  return static_cast<Reader*>(self)->position;
}

}  // namespace

ClipInfo probe_clip(const std::string& bytes, size_t max_bytes, double max_seconds,
                    const std::string& field) {
  if (bytes.empty()) throw ApiError(422, "empty_input", "'" + field + "' is empty", field);
  if (bytes.size() > max_bytes)
    throw ApiError(413, "clip_too_large",
                   "'" + field + "' has " + std::to_string(bytes.size()) + " bytes; the limit is " +
                       std::to_string(max_bytes),
                   field);
  if (dsp::check_vorbis_headers(bytes.data(), bytes.size()) == dsp::VorbisHeaders::kMalformed)
    throw ApiError(422, "invalid_audio", "'" + field + "' is Ogg Vorbis with malformed headers",
                   field);
  SF_VIRTUAL_IO io{get_length, seek, read, write, tell};
  Reader reader{&bytes};
  SF_INFO info{};
  SNDFILE* file = sf_open_virtual(&io, SFM_READ, &info, &reader);
  if (!file)
    throw ApiError(422, "invalid_audio",
                   "'" + field + "' is not audio that can be read (WAV, FLAC, OGG or MP3): " +
                       sf_strerror(nullptr),
                   field);
  sf_close(file);
  if (info.samplerate <= 0 || info.channels <= 0)
    throw ApiError(422, "invalid_audio", "'" + field + "' has no sample rate or no channels",
                   field);
  ClipInfo clip;
  clip.sample_rate = info.samplerate;
  clip.channels = info.channels;
  clip.seconds = static_cast<double>(info.frames) / info.samplerate;
  if (clip.seconds > max_seconds)
    throw ApiError(413, "clip_too_long",
                   "'" + field + "' lasts " + std::to_string(clip.seconds) + " s; the limit is " +
                       std::to_string(max_seconds) + " s",
                   field);
  return clip;
}

}  // namespace chatterbox::server
