#include "server/audio_encoder.h"

#include "engine/common/error.h"
#include "server/pcm_encoders.h"
#include "server/sndfile_encoder.h"

namespace chatterbox::server {

std::unique_ptr<AudioEncoder> make_audio_encoder(AudioFormat format, int sample_rate,
                                                 EncodeMode mode) {
  if (sample_rate <= 0)
    fail(ErrorCode::kInvalidArgument,
         "audio encoder: bad sample rate " + std::to_string(sample_rate));
  switch (format) {
    case AudioFormat::kPcm:
      return make_pcm_encoder();
    case AudioFormat::kWav:
      return make_wav_encoder(sample_rate, mode);
    case AudioFormat::kFlac:
    case AudioFormat::kMp3:
    case AudioFormat::kOpus:
      return make_sndfile_encoder(format, sample_rate, mode);
  }
  fail(ErrorCode::kInternal, "audio encoder: unknown format");
}

}  // namespace chatterbox::server
