#include "server/grpc/proto_convert.h"

#include <gtest/gtest.h>

#include "engine/runtime/model_status.h"
#include "engine/runtime/request.h"
#include "server/api_error.h"

namespace chatterbox::server {
namespace {

TEST(ProtoConvert, ValidatesASynthesizeRequestAsRestDoes) {
  v1::SynthesizeRequest request;
  request.set_model("turbo");
  request.set_text("Hello.");
  request.set_voice("narrator_1");
  request.set_format(v1::AUDIO_FORMAT_MP3);
  request.set_top_k(0);
  request.set_seed(7);
  const SpeechRequest r = from_proto(request);
  EXPECT_EQ(r.model, "turbo");
  EXPECT_EQ(r.voice, "narrator_1");
  EXPECT_EQ(r.format, AudioFormat::kMp3);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(*r.options.top_k, 0);
  EXPECT_EQ(*r.options.seed, 7u);
  EXPECT_FALSE(r.options.temperature.has_value());
  EXPECT_THROW(from_proto(v1::SynthesizeRequest()), ApiError);  // no text

  request.set_temperature(0);
  try {
    from_proto(request);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 422);
    EXPECT_EQ(e.param(), "temperature");
    EXPECT_EQ(grpc_status_for_http(e.http_status()), 3);
  }
}

TEST(ProtoConvert, CopiesStatusAndStatistics) {
  runtime::InstanceStatus s;
  s.name = "turbo";
  s.replica = 1;
  s.state = runtime::InstanceState::kWarmingUp;
  s.components = {{"t3", "cuda:1", "cpu", "float32", "CUDA device 1 not present (1 device)"}};
  s.device_memory_bytes = -1;
  s.queue_depth = 3;
  v1::InstanceStatus out;
  to_proto(s, &out);
  EXPECT_EQ(out.name(), "turbo");
  EXPECT_EQ(out.replica(), 1);
  EXPECT_EQ(out.state(), v1::InstanceStatus::STATE_WARMING_UP);
  EXPECT_EQ(out.components(0).active_device(), "cpu");
  EXPECT_EQ(out.components(0).fallback_reason(), "CUDA device 1 not present (1 device)");
  EXPECT_EQ(out.device_memory_bytes(), -1);
  EXPECT_EQ(out.queue_depth(), 3);

  runtime::FinalRecord record;
  record.request_id = "r1";
  record.speech_tokens = 80;
  record.time_to_first_audio = 0.2;
  v1::SynthesisStatistics stats;
  to_proto(record, &stats);
  EXPECT_EQ(stats.request_id(), "r1");
  EXPECT_EQ(stats.speech_tokens(), 80);
  EXPECT_DOUBLE_EQ(stats.time_to_first_audio_seconds(), 0.2);

  v1::Voice voice;
  to_proto(VoiceInfo{"v", Variant::kNano, 6.5, "2025-01-01T00:00:00Z"}, &voice);
  EXPECT_EQ(voice.variant(), "nano");
  EXPECT_EQ(from_proto(to_proto(AudioFormat::kOpus)), AudioFormat::kOpus);
}

}  // namespace
}  // namespace chatterbox::server
