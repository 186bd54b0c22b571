#include "engine/models/s3gen/s3gen.h"

#include "engine/common/error.h"
#include "engine/models/s3gen/trim_fade.h"

namespace chatterbox::models::s3gen {
namespace {

torch::Tensor on(const torch::Tensor& t, const torch::Device& device) {
  return t.defined() ? t.to(device) : t;
}

// Zero past each row's length (padded rows of a batch must not carry vocoder output).
torch::Tensor zero_beyond(const torch::Tensor& wav, const torch::Tensor& lens) {
  const auto positions = torch::arange(wav.size(1), lens.options()).unsqueeze(0);
  return wav * (positions < lens.unsqueeze(1)).to(wav.scalar_type());
}

}  // namespace

S3Gen::S3Gen(Flow flow, Hift hift, std::unique_ptr<ReferenceEmbedder> embedder)
    : flow_(std::move(flow)), hift_(std::move(hift)), embedder_(std::move(embedder)) {}

std::unique_ptr<S3Gen> S3Gen::load(const io::StateDict& weights, bool meanflow) {
  S3Tokenizer tokenizer;
  tokenizer->load(weights.sub("tokenizer."));
  CampPlus speaker_encoder;
  speaker_encoder->load(weights.sub("speaker_encoder."));
  auto embedder =
      std::make_unique<ReferenceEmbedder>(std::move(tokenizer), std::move(speaker_encoder));
  return std::unique_ptr<S3Gen>(new S3Gen(Flow::load(weights.sub("flow."), meanflow),
                                          Hift::load(weights.sub("mel2wav.")),
                                          std::move(embedder)));
}

void S3Gen::to(const torch::Device& device) {
  place_flow(device);
  place_hift(device);
  place_reference(device);
}

void S3Gen::place_flow(const torch::Device& device) {
  try {
    flow_.to(device);
  } catch (...) {
    flow_.to(device_);  // a move that failed half-way goes back whole
    throw;
  }
  device_ = device;
}

void S3Gen::place_hift(const torch::Device& device) {
  try {
    hift_.to(device);
  } catch (...) {
    hift_.to(hift_device_);
    throw;
  }
  hift_device_ = device;
}

void S3Gen::place_reference(const torch::Device& device) {
  std::lock_guard<std::mutex> lock(reference_mutex_);
  try {
    embedder_->tokenizer()->to(device);
    embedder_->speaker_encoder()->to(device);
  } catch (...) {
    embedder_->tokenizer()->to(reference_device_);
    embedder_->speaker_encoder()->to(reference_device_);
    throw;
  }
  reference_device_ = device;
}

ReferenceEmbedding S3Gen::embed_ref(const torch::Tensor& wav, int64_t sample_rate) {
  std::lock_guard<std::mutex> lock(reference_mutex_);
  return embedder_->embed_ref(wav, sample_rate);
}

SpeechTokens S3Gen::tokenize(const torch::Tensor& wav16) {
  if (!wav16.defined() || wav16.numel() == 0)
    fail(ErrorCode::kInvalidArgument, "S3Gen: the speech to tokenise is empty");
  std::lock_guard<std::mutex> lock(reference_mutex_);
  torch::NoGradGuard no_grad;
  const torch::Tensor rows = wav16.dim() == 1 ? wav16.unsqueeze(0) : wav16;
  return embedder_->tokenizer()->forward(rows.to(reference_device_, torch::kFloat32));
}

FlowInputs S3Gen::flow_inputs(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                              const ReferenceEmbedding& ref) const {
  if (!tokens.defined() || tokens.dim() != 2)
    fail(ErrorCode::kInvalidArgument, "S3Gen: speech tokens must be (B, N)");
  FlowInputs inputs;
  inputs.tokens = tokens.to(device_, torch::kLong);
  inputs.token_lens = token_lens.defined()
                          ? token_lens.to(device_, torch::kLong).reshape({-1})
                          : torch::full({tokens.size(0)}, tokens.size(1),
                                        torch::TensorOptions(torch::kLong).device(device_));
  inputs.prompt_tokens = ref.prompt_token.to(device_, torch::kLong);
  inputs.prompt_token_lens = ref.prompt_token_len.to(device_, torch::kLong).reshape({-1});
  inputs.prompt_feat = ref.prompt_feat.to(device_, torch::kFloat32);
  inputs.embedding = ref.embedding.to(device_, torch::kFloat32);
  return inputs;
}

torch::Tensor S3Gen::flow_inference(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                                    const ReferenceEmbedding& ref, const S3GenNoise& noise,
                                    int64_t n_timesteps) const {
  return run_flow(flow_inputs(tokens, token_lens, ref), noise, n_timesteps);
}

torch::Tensor S3Gen::run_flow(const FlowInputs& inputs, const S3GenNoise& noise,
                              int64_t n_timesteps) const {
  torch::NoGradGuard no_grad;
  FlowNoise flow_noise;
  flow_noise.z = on(noise.flow_z, device_);
  flow_noise.generated = on(noise.flow_generated, device_);
  flow_noise.generator = noise.generator;
  return flow_.inference(inputs, n_timesteps > 0 ? n_timesteps : flow_.default_steps(), flow_noise);
}

torch::Tensor S3Gen::hift_inference(const torch::Tensor& mel, const S3GenNoise& noise) const {
  torch::NoGradGuard no_grad;
  HiftNoise hift_noise;
  hift_noise.generator = noise.generator;
  hift_noise.phase_uniform = on(noise.hift_phase, hift_device_);
  hift_noise.sine_noise = on(noise.hift_sine_noise, hift_device_);
  return hift_.inference(mel.to(hift_device_), hift_noise).wav;
}

torch::Tensor S3Gen::flow_chunk(const FlowInputs& inputs, const FlowNoise& noise,
                                int64_t n_timesteps, EstimatorGraphs* graphs) const {
  torch::NoGradGuard no_grad;
  FlowInputs moved = inputs;
  for (torch::Tensor* t :
       {&moved.tokens, &moved.token_lens, &moved.prompt_tokens, &moved.prompt_token_lens,
        &moved.prompt_feat, &moved.prompt_feat_lens, &moved.embedding})
    *t = on(*t, device_);
  FlowNoise moved_noise = noise;
  moved_noise.z = on(noise.z, device_);
  moved_noise.generated = on(noise.generated, device_);
  return flow_.inference(moved, n_timesteps > 0 ? n_timesteps : flow_.default_steps(), moved_noise,
                         graphs);
}

HiftOutput S3Gen::hift_chunk(const torch::Tensor& mel, const HiftNoise& noise,
                             const torch::Tensor& cache_source) const {
  torch::NoGradGuard no_grad;
  HiftNoise moved = noise;
  moved.phase_uniform = on(noise.phase_uniform, device_);
  moved.sine_noise = on(noise.sine_noise, device_);
  return hift_.inference(mel.to(device_), moved, on(cache_source, device_));
}

S3GenOutput S3Gen::inference(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                             const ReferenceEmbedding& ref, const S3GenNoise& noise,
                             int64_t n_timesteps) const {
  const FlowInputs inputs = flow_inputs(tokens, token_lens, ref);
  S3GenOutput out;
  // One generator serves both halves in the reference's order: the flow's draws, then HiFT's.
  out.mel = run_flow(inputs, noise, n_timesteps);
  const torch::Tensor wav = hift_inference(out.mel, noise);
  const int64_t samples_per_frame = wav.size(1) / std::max<int64_t>(1, out.mel.size(2));
  out.wav_lens = (Flow::generated_lengths(inputs) * samples_per_frame).to(wav.device());
  out.wav = zero_beyond(apply_trim_fade(wav), out.wav_lens);
  return out;
}

}  // namespace chatterbox::models::s3gen
