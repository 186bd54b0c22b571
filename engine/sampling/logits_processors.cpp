#include "engine/sampling/logits_processors.h"

#include <algorithm>
#include <limits>

namespace chatterbox::sampling {
namespace {
constexpr float kRemoved = -std::numeric_limits<float>::infinity();
}

torch::Tensor apply_repetition_penalty(const torch::Tensor& scores, const torch::Tensor& ids,
                                       double penalty) {
  auto index = ids.to(scores.device(), torch::kLong);
  auto picked = scores.gather(1, index);
  auto penalised = torch::where(picked < 0, picked * penalty, picked / penalty);
  return scores.scatter(1, index, penalised);
}

torch::Tensor apply_temperature(const torch::Tensor& scores, double temperature) {
  return scores / temperature;
}

torch::Tensor apply_top_k(const torch::Tensor& scores, int64_t k) {
  k = std::min<int64_t>(std::max<int64_t>(k, 1), scores.size(-1));
  auto kth = std::get<0>(scores.topk(k)).narrow(-1, k - 1, 1);
  return scores.masked_fill(scores < kth, kRemoved);
}

torch::Tensor apply_top_p(const torch::Tensor& scores, double top_p) {
  auto sorted = scores.sort(/*dim=*/-1, /*descending=*/false);
  auto cumulative = std::get<0>(sorted).softmax(-1).cumsum(-1);
  auto remove_sorted = cumulative <= (1.0 - top_p);
  remove_sorted.narrow(-1, remove_sorted.size(-1) - 1, 1).fill_(false);
  auto remove = remove_sorted.scatter(1, std::get<1>(sorted), remove_sorted);
  return scores.masked_fill(remove, kRemoved);
}

torch::Tensor apply_min_p(const torch::Tensor& scores, double min_p) {
  auto probs = scores.softmax(-1);
  auto threshold = std::get<0>(probs.max(-1, /*keepdim=*/true)) * min_p;
  // The most probable token always passes (min_p <= 1), which is HF's min_tokens_to_keep = 1.
  return scores.masked_fill(probs < threshold, kRemoved);
}

}  // namespace chatterbox::sampling
