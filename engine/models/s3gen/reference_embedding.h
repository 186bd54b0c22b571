#pragma once
// S3Gen's reference conditioning (`S3Token2Mel.embed_ref`; spec s3gen.md 2.1): from a reference
// clip, the prompt speech tokens (16 kHz S3Tokenizer), the 24 kHz prompt mel, and the CAMPPlus
// x-vector. Also the T3 conditioning prompt tokens (the tokenizer on 16 kHz audio, max_len).

#include <torch/torch.h>

#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/dsp/prompt_mel.h"
#include "engine/dsp/sinc_resampler.h"
#include "engine/models/s3gen/campplus.h"
#include "engine/models/s3gen/s3tokenizer.h"

namespace chatterbox::models::s3gen {

constexpr int64_t kS3GenSampleRate = 24000;

struct ReferenceEmbedding {
  torch::Tensor prompt_token;      // (B, Tp) int64
  torch::Tensor prompt_token_len;  // (B,) int64
  torch::Tensor prompt_feat;       // (B, Tm, 80) float32, Tm = floor(L24 / 480)
  torch::Tensor embedding;         // (B, 192) float32, not normalised
};

class ReferenceEmbedder {
 public:
  ReferenceEmbedder(S3Tokenizer tokenizer, CampPlus speaker_encoder);

  // wav (L,) or (B, L) mono float in [-1, 1] at `sample_rate`; the rows of a batch share one
  // length. Resamples with torchaudio's sinc kernel (to 24 kHz for the mel and, from the
  // original, to 16 kHz for tokens and x-vector), and cuts the tokens to Tm / 2 when there are
  // more than that.
  ReferenceEmbedding embed_ref(const torch::Tensor& wav, int64_t sample_rate);

  S3Tokenizer& tokenizer() { return tokenizer_; }
  CampPlus& speaker_encoder() { return speaker_encoder_; }

 private:
  torch::Tensor resample(const torch::Tensor& wav, int64_t from, int64_t to) const;

  S3Tokenizer tokenizer_;
  CampPlus speaker_encoder_;
  dsp::PromptMelExtractor prompt_mel_;
  mutable std::mutex resamplers_mutex_;
  mutable std::map<std::pair<int64_t, int64_t>, std::shared_ptr<dsp::SincResampler>> resamplers_;
};

// T3's conditioning prompt tokens: the S3 tokens of the first `max_samples` samples of a 16 kHz
// clip, limited to `max_len` tokens (150 for the Llama T3s, 375 for Turbo; max_samples 6 s or
// 15 s). wav16 (L,) -> (1, <= max_len) int64.
torch::Tensor t3_prompt_tokens(S3Tokenizer& tokenizer, const torch::Tensor& wav16,
                               int64_t max_samples, int64_t max_len);

}  // namespace chatterbox::models::s3gen
