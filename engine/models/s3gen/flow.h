#pragma once
// S3Gen's flow (CausalMaskedDiffWithXvec): speech tokens + voice prompt -> 80-bin mel at 50 Hz.
// Prompt and generated tokens are embedded together, encoded and upsampled x2 by the
// UpsampleConformerEncoder, projected to 80 channels (mu), and a CFM decoder turns noise into
// the mel conditioned on mu, the projected x-vector and the prompt mel. Only the generated part
// is returned.

#include <torch/torch.h>

#include <optional>

#include "engine/io/state_dict.h"
#include "engine/models/s3gen/cfm.h"
#include "engine/models/s3gen/speech_tokens.h"
#include "engine/models/s3gen/upsample_encoder.h"

namespace chatterbox::models::s3gen {

constexpr int64_t kMelBins = 80;
constexpr int64_t kTokenMelRatio = 2;
constexpr int64_t kLookaheadTokens = 3;

// Where the flow's random draws come from. Tensors given here are used as they are; whatever is
// missing is drawn from `generator` (or the default generator of the device when none is
// given), in the reference's order: the meanflow noise first, then z.
struct FlowNoise {
  // CFM start noise over prompt + generated frames: (B or 1, 80, >= T_total); row i uses its
  // first 2 * (prompt_tokens_i + tokens_i) frames.
  torch::Tensor z;
  // Meanflow only: noise for the generated region, (B or 1, 80, >= 2N); row i's first 2 * N_i
  // frames overwrite the last 2 * N_i frames of its z.
  torch::Tensor generated;
  std::optional<torch::Generator> generator;
};

struct FlowInputs {
  torch::Tensor tokens;             // (B, N) int64 speech tokens, padded at the end
  torch::Tensor token_lens;         // (B,) int64
  torch::Tensor prompt_tokens;      // (B or 1, Tp) int64
  torch::Tensor prompt_token_lens;  // (B or 1,) int64
  torch::Tensor prompt_feat;        // (B or 1, Tm, 80) prompt mel
  torch::Tensor prompt_feat_lens;   // optional (B or 1,) int64; default Tm for every row
  torch::Tensor embedding;          // (B or 1, 192) CAMPPlus x-vector (not normalised)
  // false for a streaming chunk whose tokens continue: the mel frames of the last 3 tokens,
  // which lack their look-ahead, are dropped (6 frames per row), and the decoder's mask follows
  // the shortened length (upstream builds it from the untrimmed one and fails).
  bool finalize = true;
};

class FlowModelImpl : public torch::nn::Module {
 public:
  explicit FlowModelImpl(bool meanflow);

  torch::nn::Embedding input_embedding{nullptr};
  torch::nn::Linear spk_embed_affine_layer{nullptr};
  UpsampleConformerEncoder encoder{nullptr};
  torch::nn::Linear encoder_proj{nullptr};
  CausalCfm decoder{nullptr};
};
TORCH_MODULE(FlowModel);

class Flow {
 public:
  // `flow_weights` = the S3Gen checkpoint's sub("flow."); meanflow selects the Turbo/Nano decoder.
  static Flow load(const io::StateDict& flow_weights, bool meanflow);

  bool meanflow() const { return model_->decoder->meanflow(); }
  int64_t default_steps() const { return meanflow() ? 2 : 10; }
  // Moves the weights (e.g. to a GPU); inputs must then live on the same device.
  void to(const torch::Device& device);
  // The dtype the CFM estimator computes in (float32 unless set; the encoder, the Euler
  // integration and the output stay float32).
  void set_estimator_dtype(torch::ScalarType dtype);
  torch::ScalarType estimator_dtype() const;
  FlowModel& model() { return model_; }

  // Returns the generated mel (B, 80, max_i Tg_i), Tg_i = 2 (Tp_i + N_i) - Tm_i (6 fewer when
  // not finalizing), zero beyond each row's length. Token ids must lie in [0, 6561). With
  // `graphs` (on the flow's CUDA device), the CFM estimator replays through them.
  torch::Tensor inference(const FlowInputs& inputs, int64_t n_timesteps, const FlowNoise& noise,
                          EstimatorGraphs* graphs = nullptr) const;
  torch::Tensor inference(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                          const torch::Tensor& prompt_token, const torch::Tensor& prompt_token_len,
                          const torch::Tensor& prompt_feat, const torch::Tensor& embedding,
                          int64_t n_timesteps, const FlowNoise& noise) const;

  // Tg_i per row, (B,) int64.
  static torch::Tensor generated_lengths(const FlowInputs& inputs);

 private:
  explicit Flow(FlowModel model) : model_(std::move(model)) {}
  FlowModel model_;
};

}  // namespace chatterbox::models::s3gen
