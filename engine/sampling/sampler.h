#pragma once
// Token sampling for the T3 decoding loops: options, the processor chains of the two model
// families, sources of uniform draws, and inverse-CDF sampling.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace chatterbox::sampling {

struct SamplingOptions {
  double temperature = 0.8;         // > 0
  double top_p = 1.0;               // (0, 1]; 1 keeps everything with nonzero probability
  double min_p = 0.05;              // [0, 1]; 0 keeps everything
  int64_t top_k = 0;                // >= 0; 0 disables
  double repetition_penalty = 1.2;  // > 0; 1 disables

  // Throws chatterbox::Error(kInvalidArgument) naming the bad field and its allowed range.
  void validate() const;
};

// Which processors run, in which order (they differ upstream, spec 6.9 and 6.10):
//   kLlama: repetition penalty -> temperature (if != 1) -> [top-k if > 0] -> min-p -> top-p.
//           (top-k is an extension; upstream's Llama loop has none, and 0 keeps parity.)
//   kGpt2:  temperature (if != 1) -> top-k (if > 0) -> top-p (if < 1) -> repetition penalty
//           (if != 1). min-p is ignored, as upstream ignores it for Turbo and Nano.
enum class ProcessorChain { kLlama, kGpt2 };

// scores (B, V); ids (B, L) the tokens the repetition penalty applies to.
torch::Tensor process_logits(ProcessorChain chain, const SamplingOptions& options,
                             const torch::Tensor& scores, const torch::Tensor& ids);

// One uniform in [0, 1) per sampled token.
class UniformSource {
 public:
  virtual ~UniformSource() = default;
  virtual double next() = 0;
};

// Draws from a torch CPU generator, seeded per request, kBlock at a time: the CPU generator
// fills a tensor element by element, so the sequence equals one draw per call.
class GeneratorUniforms final : public UniformSource {
 public:
  static constexpr int64_t kBlock = 64;
  explicit GeneratorUniforms(uint64_t seed);
  explicit GeneratorUniforms(torch::Generator generator);
  double next() override;

 private:
  torch::Generator generator_;
  torch::Tensor block_;
  int64_t used_ = kBlock;
};

// Replays recorded uniforms (tests inject the goldens' sample_u); throws kInternal when they
// run out.
class InjectedUniforms final : public UniformSource {
 public:
  explicit InjectedUniforms(std::vector<double> values);
  explicit InjectedUniforms(const torch::Tensor& values);
  double next() override;
  size_t consumed() const { return next_; }

 private:
  std::vector<double> values_;
  size_t next_ = 0;
};

// The token of one row of `probs` (V) for the uniform u: the first index i whose float64
// running sum exceeds u * total, moved back past zero-probability entries (so a removed token
// is never chosen). This is the goldens' replacement for torch.multinomial.
int64_t sample_inverse_cdf(const torch::Tensor& probs, double u);

// One token per row of probs (B, V), each with its own uniform; returns int64 (B).
torch::Tensor sample_inverse_cdf(const torch::Tensor& probs, const std::vector<double>& u);

}  // namespace chatterbox::sampling
