// An uploaded reference clip's first look (probe_clip): what a client gets back for a clip that
// is empty, too large, too long or no audio, and what it learns about one that is fine.

#include "server/clip_info.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/dsp/audio_file.h"
#include "server/api_error.h"

namespace chatterbox::server {
namespace {

std::string tone_wav(double seconds, int rate) {
  const auto n = static_cast<int64_t>(seconds * rate);
  return dsp::encode_wav(0.3 * torch::sin(torch::arange(n, torch::kFloat32) * 0.05), rate);
}

ApiError refusal(const std::string& bytes, size_t max_bytes, double max_seconds) {
  try {
    probe_clip(bytes, max_bytes, max_seconds, "file");
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "a clip of " << bytes.size() << " bytes was accepted";
  return ApiError(200, "accepted", "");
}

TEST(ProbeClip, ReportsRateChannelsAndDuration) {
  const ClipInfo clip = probe_clip(tone_wav(1.5, 24000), 1 << 20, 30.0, "file");
  EXPECT_EQ(clip.sample_rate, 24000);
  EXPECT_EQ(clip.channels, 1);
  EXPECT_NEAR(clip.seconds, 1.5, 1e-6);
}

TEST(ProbeClip, RefusalsNameTheFieldWithTheirStatus) {
  const std::string wav = tone_wav(2.0, 16000);
  struct Case {
    std::string bytes;
    size_t max_bytes;
    double max_seconds;
    int status;
    std::string code;
  };
  const Case cases[] = {
      {"", 1 << 20, 30.0, 422, "empty_input"},
      {wav, wav.size() - 1, 30.0, 413, "clip_too_large"},
      {wav, 1 << 20, 1.0, 413, "clip_too_long"},
      {"RIFF not really", 1 << 20, 30.0, 422, "invalid_audio"},
      {wav.substr(0, 20), 1 << 20, 30.0, 422, "invalid_audio"},
  };
  for (const Case& c : cases) {
    const ApiError e = refusal(c.bytes, c.max_bytes, c.max_seconds);
    EXPECT_EQ(e.http_status(), c.status) << c.code << ": " << e.what();
    EXPECT_EQ(e.code(), c.code) << e.what();
    EXPECT_EQ(e.param(), "file");
    EXPECT_NE(std::string(e.what()).find("'file'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace chatterbox::server
