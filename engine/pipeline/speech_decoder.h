#pragma once
// S3Gen's decoding half for the pipelines: speech tokens + a voice's reference tokens, mel and
// x-vector -> flow mel -> HiFT waveform with the trim fade. Kept apart from the S3 tokenizer's
// headers (flow.h and s3tokenizer.h declare same-named helpers).

#include <torch/torch.h>

#include <cstdint>
#include <memory>

#include "engine/io/state_dict.h"

namespace chatterbox::models::s3gen {
class Flow;
class Hift;
}  // namespace chatterbox::models::s3gen

namespace chatterbox::pipeline {

// Recorded noise to use instead of drawing (undefined: drawn from the seed).
struct DecoderDraws {
  torch::Tensor flow_generated;   // meanflow noise (1, 80, 2N)
  torch::Tensor flow_z;           // CFM start noise (1, 80, >= 2(Tp + N))
  torch::Tensor hift_phase;       // (1, 9, 1)
  torch::Tensor hift_sine_noise;  // (1, 9, 480 T)
};

struct DecoderVoice {
  torch::Tensor prompt_token;      // (1, Tp) int64
  torch::Tensor prompt_token_len;  // (1,) int64
  torch::Tensor prompt_feat;       // (1, 2 Tp, 80)
  torch::Tensor embedding;         // (1, 192)
};

struct DecoderOutput {
  torch::Tensor wav;  // (L,) float32 on the CPU, trim-faded
  torch::Tensor mel;  // (1, 80, T) on the CPU
};

class SpeechDecoder {
 public:
  // `s3gen`: the whole S3Gen checkpoint ("flow.", "mel2wav." keys); meanflow: Turbo/Nano.
  SpeechDecoder(const io::StateDict& s3gen, bool meanflow, const torch::Device& device);
  ~SpeechDecoder();

  // tokens (1, n) int64 in [0, 6561). Flow steps: 10, or 2 for meanflow.
  DecoderOutput decode(const torch::Tensor& tokens, const DecoderVoice& voice,
                       const DecoderDraws& draws, uint64_t seed) const;

 private:
  torch::Device device_;
  std::unique_ptr<models::s3gen::Flow> flow_;
  std::unique_ptr<models::s3gen::Hift> hift_;
};

}  // namespace chatterbox::pipeline
