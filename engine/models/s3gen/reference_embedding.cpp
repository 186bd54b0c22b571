#include "engine/models/s3gen/reference_embedding.h"

#include "engine/common/error.h"

namespace chatterbox::models::s3gen {

ReferenceEmbedder::ReferenceEmbedder(S3Tokenizer tokenizer, CampPlus speaker_encoder)
    : tokenizer_(std::move(tokenizer)), speaker_encoder_(std::move(speaker_encoder)) {}

torch::Tensor ReferenceEmbedder::resample(const torch::Tensor& wav, int64_t from,
                                          int64_t to) const {
  if (from == to) return wav;
  std::shared_ptr<dsp::SincResampler> resampler;
  {
    std::lock_guard<std::mutex> lock(resamplers_mutex_);
    auto& slot = resamplers_[{from, to}];
    if (!slot) slot = std::make_shared<dsp::SincResampler>(from, to);
    resampler = slot;
  }
  return (*resampler)(wav);
}

ReferenceEmbedding ReferenceEmbedder::embed_ref(const torch::Tensor& wav, int64_t sample_rate) {
  torch::NoGradGuard no_grad;
  if (sample_rate <= 0) fail(ErrorCode::kInvalidArgument, "embed_ref: bad sample rate");
  torch::Tensor ref = wav.dim() == 1 ? wav.unsqueeze(0) : wav;
  if (ref.dim() != 2 || ref.size(1) == 0)
    fail(ErrorCode::kInvalidArgument, "embed_ref: expected mono audio (L,) or (B, L)");
  ref = ref.to(speaker_encoder_->device(), torch::kFloat32);

  ReferenceEmbedding out;
  torch::Tensor wav24 = resample(ref, sample_rate, kS3GenSampleRate);
  out.prompt_feat = prompt_mel_(wav24).transpose(1, 2).contiguous();

  torch::Tensor wav16 = resample(ref, sample_rate, kS3SampleRate);
  out.embedding = speaker_encoder_->inference(wav16);
  SpeechTokens tokens = tokenizer_->forward(wav16.to(tokenizer_->device()));
  out.prompt_token = tokens.tokens;
  out.prompt_token_len = tokens.lengths;

  // The flow expects two mel frames per token; surplus tokens are dropped (never padded).
  const int64_t mel_frames = out.prompt_feat.size(1);
  if (mel_frames != 2 * out.prompt_token.size(1)) {
    out.prompt_token = out.prompt_token.slice(1, 0, mel_frames / 2);
    out.prompt_token_len = out.prompt_token_len.clamp_max(out.prompt_token.size(1));
  }
  return out;
}

torch::Tensor t3_prompt_tokens(S3Tokenizer& tokenizer, const torch::Tensor& wav16,
                               int64_t max_samples, int64_t max_len) {
  if (wav16.dim() != 1) fail(ErrorCode::kInvalidArgument, "t3_prompt_tokens: expected (L,) audio");
  torch::Tensor clip = wav16.slice(0, 0, std::min(wav16.size(0), max_samples));
  return tokenizer->forward(std::vector<torch::Tensor>{clip}, max_len).tokens;
}

}  // namespace chatterbox::models::s3gen
