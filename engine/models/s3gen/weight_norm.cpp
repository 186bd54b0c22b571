#include "engine/models/s3gen/weight_norm.h"

#include <string>

#include "engine/common/error.h"
#include "engine/common/strings.h"

namespace chatterbox::models::s3gen {
namespace {

constexpr const char* kMagnitudeSuffix = ".parametrizations.weight.original0";
constexpr const char* kDirectionSuffix = ".parametrizations.weight.original1";
constexpr const char* kLegacyMagnitudeSuffix = ".weight_g";
constexpr const char* kLegacyDirectionSuffix = ".weight_v";

std::string strip(const std::string& text, const std::string& suffix) {
  return text.substr(0, text.size() - suffix.size());
}

// If `key` is the magnitude half of a pair, inserts the folded weight and returns true.
bool fold_if_magnitude(const io::StateDict& weights, const std::string& key,
                       const std::string& magnitude_suffix, const std::string& direction_suffix,
                       io::StateDict& folded) {
  if (!ends_with(key, magnitude_suffix)) return false;
  const std::string module = strip(key, magnitude_suffix);
  const std::string direction_key = module + direction_suffix;
  if (!weights.contains(direction_key))
    fail(ErrorCode::kCorruptData,
         weights.origin() + ": weight-norm key " + key + " has no partner " + direction_key);
  folded.insert(module + ".weight", fold_weight_norm(weights.get(key), weights.get(direction_key)));
  return true;
}

bool is_direction(const std::string& key, const std::string& direction_suffix,
                  const std::string& magnitude_suffix, const io::StateDict& weights) {
  if (!ends_with(key, direction_suffix)) return false;
  const std::string magnitude_key = strip(key, direction_suffix) + magnitude_suffix;
  if (!weights.contains(magnitude_key))
    fail(ErrorCode::kCorruptData,
         weights.origin() + ": weight-norm key " + key + " has no partner " + magnitude_key);
  return true;
}

}  // namespace

torch::Tensor fold_weight_norm(const torch::Tensor& g, const torch::Tensor& v) {
  torch::NoGradGuard no_grad;
  return torch::_weight_norm(v, g, /*dim=*/0);
}

io::StateDict fold_weight_norms(const io::StateDict& weights) {
  io::StateDict folded(weights.origin());
  for (const auto& [key, value] : weights.tensors()) {
    if (fold_if_magnitude(weights, key, kMagnitudeSuffix, kDirectionSuffix, folded)) continue;
    if (fold_if_magnitude(weights, key, kLegacyMagnitudeSuffix, kLegacyDirectionSuffix, folded))
      continue;
    if (is_direction(key, kDirectionSuffix, kMagnitudeSuffix, weights)) continue;
    if (is_direction(key, kLegacyDirectionSuffix, kLegacyMagnitudeSuffix, weights)) continue;
    folded.insert(key, value);
  }
  return folded;
}

}  // namespace chatterbox::models::s3gen
