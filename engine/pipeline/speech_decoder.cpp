#include "engine/pipeline/speech_decoder.h"

#include "engine/models/s3gen/flow.h"
#include "engine/models/s3gen/hift.h"
#include "engine/models/s3gen/trim_fade.h"

namespace chatterbox::pipeline {
namespace {

torch::Tensor on(const torch::Tensor& t, const torch::Device& device) {
  return t.defined() ? t.to(device) : t;
}

}  // namespace

SpeechDecoder::SpeechDecoder(const io::StateDict& s3gen, bool meanflow, const torch::Device& device)
    : device_(device),
      flow_(std::make_unique<models::s3gen::Flow>(
          models::s3gen::Flow::load(s3gen.sub("flow."), meanflow))),
      hift_(
          std::make_unique<models::s3gen::Hift>(models::s3gen::Hift::load(s3gen.sub("mel2wav.")))) {
  flow_->to(device);
  hift_->to(device);
}

SpeechDecoder::~SpeechDecoder() = default;

DecoderOutput SpeechDecoder::decode(const torch::Tensor& tokens, const DecoderVoice& voice,
                                    const DecoderDraws& draws, uint64_t seed) const {
  torch::NoGradGuard no_grad;
  torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  models::s3gen::FlowNoise flow_noise;
  flow_noise.z = on(draws.flow_z, device_);
  flow_noise.generated = on(draws.flow_generated, device_);
  flow_noise.generator = generator;
  models::s3gen::FlowInputs inputs;
  inputs.tokens = tokens.to(torch::kLong).to(device_);
  inputs.token_lens = torch::full({1}, tokens.size(1), torch::kLong).to(device_);
  inputs.prompt_tokens = voice.prompt_token.to(torch::kLong).to(device_);
  inputs.prompt_token_lens = voice.prompt_token_len.to(torch::kLong).reshape({-1}).to(device_);
  inputs.prompt_feat = voice.prompt_feat.to(device_);
  inputs.embedding = voice.embedding.to(device_);
  const torch::Tensor mel = flow_->inference(inputs, flow_->default_steps(), flow_noise);

  models::s3gen::HiftNoise hift_noise = models::s3gen::HiftNoise::from_generator(generator);
  if (draws.hift_phase.defined()) hift_noise.phase_uniform = draws.hift_phase.to(device_);
  if (draws.hift_sine_noise.defined()) hift_noise.sine_noise = draws.hift_sine_noise.to(device_);
  const auto vocoded = hift_->inference(mel, hift_noise);
  DecoderOutput out;
  out.wav = models::s3gen::apply_trim_fade(vocoded.wav).reshape({-1}).to(torch::kCPU);
  out.mel = mel.to(torch::kCPU);
  return out;
}

}  // namespace chatterbox::pipeline
