#pragma once
// S3Gen as one model (upstream S3Token2Wav): reference audio -> conditioning (embed_ref), and
// speech tokens + conditioning -> mel (flow) -> 24 kHz waveform (HiFT) with the trim fade.

#include <torch/torch.h>

#include <memory>
#include <mutex>

#include "engine/io/state_dict.h"
#include "engine/models/s3gen/flow.h"
#include "engine/models/s3gen/hift.h"
#include "engine/models/s3gen/reference_embedding.h"

namespace chatterbox::models::s3gen {

// The random draws of one inference, in the reference's order: the flow's (meanflow noise, then
// the CFM start noise), then the vocoder's (sine phases, then sine noise). Tensors given are
// used as they are; the rest come from `generator` (the device's default generator if unset).
struct S3GenNoise {
  torch::Tensor flow_generated;   // meanflow noise (B or 1, 80, >= 2N)
  torch::Tensor flow_z;           // CFM start noise (B or 1, 80, >= 2(Tp + N))
  torch::Tensor hift_phase;       // (B, 9, 1) uniform
  torch::Tensor hift_sine_noise;  // (B, 9, 480 T) standard normal
  std::optional<torch::Generator> generator;
};

struct S3GenOutput {
  torch::Tensor mel;       // (B, 80, T) the flow's output, zero beyond each row's frames
  torch::Tensor wav;       // (B, 480 T) trim-faded, clamped; zero beyond each row's samples
  torch::Tensor wav_lens;  // (B,) int64 samples per row
};

class S3Gen {
 public:
  // `weights`: the whole S3Gen checkpoint ("flow.", "mel2wav.", "tokenizer.", "speaker_encoder."
  // keys); meanflow selects the Turbo/Nano decoder.
  static std::unique_ptr<S3Gen> load(const io::StateDict& weights, bool meanflow);

  // Moves all three parts; or one part at a time (a part that fails on a device can stay on the
  // CPU while the others move). device() is the flow's.
  void to(const torch::Device& device);
  void place_flow(const torch::Device& device);
  void place_hift(const torch::Device& device);
  void place_reference(const torch::Device& device);  // S3Tokenizer and CAMPPlus
  // The flow's CFM estimator in reduced precision (Flow::set_estimator_dtype).
  void set_flow_estimator_dtype(torch::ScalarType dtype) { flow_.set_estimator_dtype(dtype); }
  torch::ScalarType flow_estimator_dtype() const { return flow_.estimator_dtype(); }
  torch::Device device() const { return device_; }
  torch::Device hift_device() const { return hift_device_; }
  torch::Device reference_device() const { return reference_device_; }
  bool meanflow() const { return flow_.meanflow(); }
  int64_t default_steps() const { return flow_.default_steps(); }

  // Reference audio (L,) or (B, L) at any rate -> prompt tokens, prompt mel and x-vector.
  // Serialised: the tokenizer and CAMPPlus are not re-entrant.
  ReferenceEmbedding embed_ref(const torch::Tensor& wav, int64_t sample_rate);
  // Speech (L,) or (B, L) at 16 kHz -> S3 tokens (voice conversion's source). Serialised too.
  SpeechTokens tokenize(const torch::Tensor& wav16);

  // tokens (B, N) int64 in [0, 6561), padded at the end, token_lens (B,) (undefined: all N);
  // `ref` from embed_ref (rows B or 1). Tensors may live anywhere; outputs are on device().
  S3GenOutput inference(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                        const ReferenceEmbedding& ref, const S3GenNoise& noise = {},
                        int64_t n_timesteps = 0) const;
  // Its two halves. The flow: mel (B, 80, T), zero beyond each row's frames (steps 0: the
  // decoder's default, 10 or meanflow's 2). The vocoder: mel -> (B, 480 T), without the fade.
  torch::Tensor flow_inference(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                               const ReferenceEmbedding& ref, const S3GenNoise& noise = {},
                               int64_t n_timesteps = 0) const;
  torch::Tensor hift_inference(const torch::Tensor& mel, const S3GenNoise& noise = {}) const;

  // Finer hooks for streaming (pipeline::SpeechStream). The flow on inputs the caller builds
  // (rows with their own prompts, finalize = false for a chunk whose tokens continue), and the
  // vocoder with its streaming inputs (cache_source, phase pin). Inputs may live anywhere;
  // outputs are on device().
  torch::Tensor flow_chunk(const FlowInputs& inputs, const FlowNoise& noise,
                           int64_t n_timesteps = 0, EstimatorGraphs* graphs = nullptr) const;
  HiftOutput hift_chunk(const torch::Tensor& mel, const HiftNoise& noise,
                        const torch::Tensor& cache_source = {}) const;

  ReferenceEmbedder& reference_embedder() { return *embedder_; }
  std::mutex& reference_mutex() { return reference_mutex_; }

 private:
  S3Gen(Flow flow, Hift hift, std::unique_ptr<ReferenceEmbedder> embedder);
  FlowInputs flow_inputs(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                         const ReferenceEmbedding& ref) const;
  torch::Tensor run_flow(const FlowInputs& inputs, const S3GenNoise& noise,
                         int64_t n_timesteps) const;

  Flow flow_;
  Hift hift_;
  std::unique_ptr<ReferenceEmbedder> embedder_;
  torch::Device device_ = torch::kCPU;
  torch::Device hift_device_ = torch::kCPU;
  torch::Device reference_device_ = torch::kCPU;
  std::mutex reference_mutex_;
};

}  // namespace chatterbox::models::s3gen
