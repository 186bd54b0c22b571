#include "engine/sampling/sampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <string>

#include "engine/common/error.h"
#include "engine/sampling/logits_processors.h"

namespace chatterbox::sampling {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) fail(ErrorCode::kInvalidArgument, message);
}

std::string show(double v) {
  return std::to_string(v);
}

torch::Tensor llama_chain(const SamplingOptions& o, torch::Tensor s, const torch::Tensor& ids) {
  s = apply_repetition_penalty(s, ids, o.repetition_penalty);
  if (o.temperature != 1.0) s = apply_temperature(s, o.temperature);
  if (o.top_k > 0) s = apply_top_k(s, o.top_k);
  s = apply_min_p(s, o.min_p);
  return apply_top_p(s, o.top_p);
}

torch::Tensor gpt2_chain(const SamplingOptions& o, torch::Tensor s, const torch::Tensor& ids) {
  if (o.temperature != 1.0) s = apply_temperature(s, o.temperature);
  if (o.top_k > 0) s = apply_top_k(s, o.top_k);
  if (o.top_p < 1.0) s = apply_top_p(s, o.top_p);
  if (o.repetition_penalty != 1.0) s = apply_repetition_penalty(s, ids, o.repetition_penalty);
  return s;
}

}  // namespace

void SamplingOptions::validate() const {
  require(std::isfinite(temperature) && temperature > 0,
          "temperature must be a finite number > 0, got " + show(temperature));
  require(std::isfinite(top_p) && top_p > 0 && top_p <= 1,
          "top_p must be in (0, 1], got " + show(top_p));
  require(std::isfinite(min_p) && min_p >= 0 && min_p <= 1,
          "min_p must be in [0, 1], got " + show(min_p));
  require(top_k >= 0, "top_k must be >= 0 (0 disables it), got " + std::to_string(top_k));
  require(std::isfinite(repetition_penalty) && repetition_penalty > 0,
          "repetition_penalty must be a finite number > 0, got " + show(repetition_penalty));
}

torch::Tensor process_logits(ProcessorChain chain, const SamplingOptions& options,
                             const torch::Tensor& scores, const torch::Tensor& ids) {
  return chain == ProcessorChain::kLlama ? llama_chain(options, scores, ids)
                                         : gpt2_chain(options, scores, ids);
}

GeneratorUniforms::GeneratorUniforms(uint64_t seed)
    : generator_(at::make_generator<at::CPUGeneratorImpl>(seed)) {}

GeneratorUniforms::GeneratorUniforms(torch::Generator generator)
    : generator_(std::move(generator)) {}

double GeneratorUniforms::next() {
  if (used_ == kBlock) {
    block_ = torch::rand({kBlock}, generator_, torch::TensorOptions().dtype(torch::kFloat64));
    used_ = 0;
  }
  return block_.data_ptr<double>()[used_++];
}

InjectedUniforms::InjectedUniforms(std::vector<double> values) : values_(std::move(values)) {}

InjectedUniforms::InjectedUniforms(const torch::Tensor& values) {
  auto flat = values.to(torch::kCPU, torch::kFloat64).contiguous().view(-1);
  values_.assign(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
}

double InjectedUniforms::next() {
  if (next_ >= values_.size())
    fail(ErrorCode::kInternal,
         "injected uniforms exhausted after " + std::to_string(values_.size()) + " draws");
  return values_[next_++];
}

int64_t sample_inverse_cdf(const torch::Tensor& probs, double u) {
  auto p = probs.to(torch::kCPU, torch::kFloat64).contiguous().view(-1);
  auto running = p.cumsum(0);
  const double* c = running.data_ptr<double>();
  const double* pp = p.data_ptr<double>();
  const int64_t n = p.numel();
  const double threshold = u * c[n - 1];
  int64_t index = 0;
  while (index < n && !(c[index] > threshold)) ++index;
  if (index >= n) index = n - 1;
  while (index > 0 && pp[index] == 0.0) --index;
  return index;
}

torch::Tensor sample_inverse_cdf(const torch::Tensor& probs, const std::vector<double>& u) {
  if (probs.dim() != 2 || static_cast<size_t>(probs.size(0)) != u.size())
    fail(ErrorCode::kInternal, "sample_inverse_cdf needs probs (B, V) and B uniforms");
  std::vector<int64_t> tokens;
  for (int64_t row = 0; row < probs.size(0); ++row)
    tokens.push_back(sample_inverse_cdf(probs[row], u[static_cast<size_t>(row)]));
  return torch::tensor(tokens, torch::kLong);
}

}  // namespace chatterbox::sampling
