#include <gtest/gtest.h>

#include "chatterbox/v1/tts.grpc.pb.h"
#include "chatterbox/v1/tts.pb.h"

namespace chatterbox::server {
namespace {

TEST(Proto, SynthesizeRequestRoundTripsWithOptionalOptions) {
  v1::SynthesizeRequest request;
  request.set_model("turbo");
  request.set_text("Hello, wörld.");
  request.set_voice("narrator_1");
  request.set_format(v1::AUDIO_FORMAT_OPUS);
  request.set_temperature(0.8);
  request.set_seed(18446744073709551615ull);
  request.set_top_k(0);  // set to zero is not the same as unset

  v1::SynthesizeRequest back;
  ASSERT_TRUE(back.ParseFromString(request.SerializeAsString()));
  EXPECT_EQ(back.text(), "Hello, wörld.");
  EXPECT_EQ(back.format(), v1::AUDIO_FORMAT_OPUS);
  EXPECT_TRUE(back.has_temperature());
  EXPECT_DOUBLE_EQ(back.temperature(), 0.8);
  EXPECT_EQ(back.seed(), 18446744073709551615ull);
  EXPECT_TRUE(back.has_top_k());
  EXPECT_FALSE(back.has_top_p());
  EXPECT_FALSE(back.has_exaggeration());
}

TEST(Proto, ResponsesAndStatusRoundTrip) {
  v1::SynthesizeResponse header;
  header.mutable_header()->set_sample_rate(24000);
  header.mutable_header()->set_request_id("r1");
  v1::SynthesizeResponse audio;
  audio.set_audio(std::string("\x00\x01\xff", 3));
  v1::SynthesizeResponse last;
  last.mutable_statistics()->set_speech_tokens(42);

  v1::SynthesizeResponse back;
  ASSERT_TRUE(back.ParseFromString(header.SerializeAsString()));
  EXPECT_EQ(back.message_case(), v1::SynthesizeResponse::kHeader);
  EXPECT_EQ(back.header().sample_rate(), 24000);
  ASSERT_TRUE(back.ParseFromString(audio.SerializeAsString()));
  EXPECT_EQ(back.audio(), std::string("\x00\x01\xff", 3));
  ASSERT_TRUE(back.ParseFromString(last.SerializeAsString()));
  EXPECT_EQ(back.statistics().speech_tokens(), 42);

  v1::GetStatusResponse status;
  auto* instance = status.add_instances();
  instance->set_state(v1::InstanceStatus::STATE_READY);
  instance->set_device_memory_bytes(-1);
  instance->add_components()->set_fallback_reason("CUDA device 1 not present (1 device)");
  v1::GetStatusResponse status_back;
  ASSERT_TRUE(status_back.ParseFromString(status.SerializeAsString()));
  EXPECT_EQ(status_back.instances(0).state(), v1::InstanceStatus::STATE_READY);
  EXPECT_EQ(status_back.instances(0).device_memory_bytes(), -1);
  EXPECT_EQ(status_back.instances(0).components(0).fallback_reason(),
            "CUDA device 1 not present (1 device)");

  v1::CreateVoiceRequest first;
  first.mutable_metadata()->set_name("v");
  v1::CreateVoiceRequest part;
  part.set_clip("RIFF");
  EXPECT_EQ(first.part_case(), v1::CreateVoiceRequest::kMetadata);
  EXPECT_EQ(part.part_case(), v1::CreateVoiceRequest::kClip);
  EXPECT_STREQ(v1::TextToSpeech::service_full_name(), "chatterbox.v1.TextToSpeech");
}

}  // namespace
}  // namespace chatterbox::server
