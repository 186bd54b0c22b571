#include "engine/sampling/row_sampler.h"

#include <limits>

namespace chatterbox::sampling {
namespace {

constexpr float kRemoved = -std::numeric_limits<float>::infinity();

// Each option as a float32 column; the per-element float arithmetic then equals that of a
// double scalar, which torch also rounds to the scores' float before use.
torch::Tensor column(const std::vector<double>& values, const torch::Device& device) {
  return torch::tensor(values, torch::kFloat64).to(torch::kFloat32).unsqueeze(1).to(device);
}

torch::Tensor penalise(const torch::Tensor& s, const torch::Tensor& seen, const torch::Tensor& r) {
  return torch::where(seen, torch::where(s < 0, s * r, s / r), s);
}

torch::Tensor keep_top_k(const torch::Tensor& s, const torch::Tensor& k) {
  const int64_t vocab = s.size(1);
  auto sorted = std::get<0>(s.sort(/*dim=*/-1, /*descending=*/true));
  auto index = k.clamp(1, vocab).sub(1).unsqueeze(1);
  auto kth = sorted.gather(1, index);
  kth = torch::where(k.unsqueeze(1) > 0, kth, torch::full_like(kth, kRemoved));
  return s.masked_fill(s < kth, kRemoved);
}

torch::Tensor keep_min_p(const torch::Tensor& s, const torch::Tensor& min_p) {
  auto probs = s.softmax(-1);
  auto threshold = std::get<0>(probs.max(-1, /*keepdim=*/true)) * min_p;
  return s.masked_fill(probs < threshold, kRemoved);
}

torch::Tensor keep_top_p(const torch::Tensor& s, const torch::Tensor& threshold) {
  auto sorted = s.sort(/*dim=*/-1, /*descending=*/false);
  auto cumulative = std::get<0>(sorted).softmax(-1).cumsum(-1);
  auto remove_sorted = cumulative <= threshold;
  remove_sorted.narrow(-1, remove_sorted.size(-1) - 1, 1).fill_(false);
  auto remove = remove_sorted.scatter(1, std::get<1>(sorted), remove_sorted);
  return s.masked_fill(remove, kRemoved);
}

}  // namespace

RowOptions RowOptions::build(ProcessorChain chain, const std::vector<SamplingOptions>& rows,
                             const torch::Device& device) {
  std::vector<double> temperature, top_p, min_p, penalty;
  std::vector<int64_t> top_k;
  RowOptions o;
  for (const auto& row : rows) {
    temperature.push_back(row.temperature);
    // The Llama chain always runs top-p; the GPT-2 chain only below 1.
    const bool top_p_on = chain == ProcessorChain::kLlama || row.top_p < 1.0;
    top_p.push_back(top_p_on ? 1.0 - row.top_p : -1.0);
    min_p.push_back(row.min_p);
    penalty.push_back(row.repetition_penalty);
    top_k.push_back(row.top_k);
    o.any_top_k = o.any_top_k || row.top_k > 0;
  }
  o.temperature = column(temperature, device);
  o.top_p_threshold = column(top_p, device);
  o.min_p = column(min_p, device);
  o.repetition_penalty = column(penalty, device);
  o.top_k = torch::tensor(top_k, torch::kLong).to(device);
  return o;
}

torch::Tensor process_logits_rows(ProcessorChain chain, const torch::Tensor& scores,
                                  const RowOptions& o, const torch::Tensor& seen) {
  // Dividing by a temperature of 1 and penalising by 1 are exact no-ops, so the chains' "only
  // if != 1" conditions need no flags; top-k and top-p carry their own "off" values.
  torch::Tensor s = scores;
  if (chain == ProcessorChain::kLlama) {
    s = penalise(s, seen, o.repetition_penalty);
    s = s / o.temperature;
    if (o.any_top_k) s = keep_top_k(s, o.top_k);
    s = keep_min_p(s, o.min_p);
    return keep_top_p(s, o.top_p_threshold);
  }
  s = s / o.temperature;
  if (o.any_top_k) s = keep_top_k(s, o.top_k);
  s = keep_top_p(s, o.top_p_threshold);
  return penalise(s, seen, o.repetition_penalty);
}

torch::Tensor sample_inverse_cdf_rows(const torch::Tensor& probs, const torch::Tensor& u) {
  auto p = probs.to(torch::kFloat64);
  const int64_t vocab = p.size(1);
  auto running = p.cumsum(1);
  auto threshold = u.to(p.device(), torch::kFloat64).unsqueeze(1) * running.narrow(1, vocab - 1, 1);
  // The first index whose running sum exceeds the threshold (the sums never decrease) ...
  auto index = running.le(threshold).sum(1, /*keepdim=*/true).clamp_max(vocab - 1);
  // ... moved back to the nearest token with a nonzero probability at or before it.
  auto positions = torch::arange(vocab, index.options()).unsqueeze(0);
  auto candidates = torch::where(p.gt(0).logical_and(positions.le(index)), positions,
                                 torch::full_like(positions, -1));
  return std::get<0>(candidates.max(1)).clamp_min(0);
}

torch::Tensor all_removed(const torch::Tensor& processed) {
  return processed.isinf().logical_and(processed < 0).all(1);
}

}  // namespace chatterbox::sampling
