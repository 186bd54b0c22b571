#include "server/clip_info.h"

#include "engine/common/error.h"
#include "server/api_error.h"

namespace chatterbox::server {

ClipInfo probe_clip(const std::string& bytes, size_t max_bytes, double max_seconds,
                    const std::string& field) {
  if (bytes.empty()) throw ApiError(422, "empty_input", "'" + field + "' is empty", field);
  if (bytes.size() > max_bytes)
    throw ApiError(413, "clip_too_large",
                   "'" + field + "' has " + std::to_string(bytes.size()) + " bytes; the limit is " +
                       std::to_string(max_bytes),
                   field);
  try {
    return dsp::probe_audio_bytes(bytes, {max_bytes, max_seconds});
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kResourceExhausted)
      throw ApiError(413, "clip_too_long", "'" + field + "': " + e.what(), field);
    throw ApiError(422, "invalid_audio", "'" + field + "': " + e.what(), field);
  }
}

}  // namespace chatterbox::server
