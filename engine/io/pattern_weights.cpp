#include "engine/io/pattern_weights.h"
#include "engine/common/strings.h"

#include <ATen/Parallel.h>

#include <cmath>

namespace chatterbox::io {
namespace {

enum class Rule { kRunningVar, kRunningMean, kWeightNormMagnitude, kFanIn, kScale, kSmall };

std::string last_component(const std::string& name) {
  auto dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

Rule rule_for(const std::string& name, size_t rank) {
  const std::string last = last_component(name);
  if (last == "running_var") return Rule::kRunningVar;
  if (last == "running_mean") return Rule::kRunningMean;
  if (last == "original0" || last == "weight_g") return Rule::kWeightNormMagnitude;
  if (rank >= 2) return Rule::kFanIn;
  if (last == "weight" || last == "alpha" || last == "gamma") return Rule::kScale;
  return Rule::kSmall;
}

}  // namespace

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char b : bytes) {
    h ^= b;
    h *= 0x100000001B3ull;
  }
  return h;
}

float pattern_uniform(uint64_t name_hash, uint64_t k) {
  uint64_t x = name_hash + (k + 1) * 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x = x ^ (x >> 31);
  return static_cast<float>(x >> 40) * (1.0f / 16777216.0f);
}

bool is_computed_buffer(const std::string& name) {
  return ends_with(name, "tokenizer._mel_filters") || ends_with(name, "tokenizer.window") ||
         ends_with(name, "trim_fade");
}

torch::Tensor pattern_tensor(const std::string& name, const std::vector<int64_t>& shape,
                             torch::ScalarType dtype) {
  if (!c10::isFloatingType(dtype)) return torch::zeros(shape, torch::dtype(dtype));
  auto out = torch::empty(shape, torch::kFloat32);
  const int64_t n = out.numel();
  if (n == 0) return out.to(dtype);
  const uint64_t h = fnv1a64(name);
  const Rule rule = rule_for(name, shape.size());
  const float fan_in_scale =
      rule == Rule::kFanIn
          ? static_cast<float>(std::sqrt(static_cast<double>(n) / static_cast<double>(shape[0])))
          : 1.0f;
  float* data = out.data_ptr<float>();
  at::parallel_for(0, n, 1 << 16, [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; ++k) {
      const float u = pattern_uniform(h, static_cast<uint64_t>(k));
      const float v = 2.0f * u - 1.0f;
      float value;
      switch (rule) {
        case Rule::kRunningVar:
          value = 1.0f + 0.5f * u;
          break;
        case Rule::kRunningMean:
          value = 0.1f * v;
          break;
        case Rule::kWeightNormMagnitude:
        case Rule::kScale:
          value = 1.0f + 0.1f * v;
          break;
        case Rule::kFanIn:
          value = v / fan_in_scale;
          break;
        default:
          value = 0.02f * v;
          break;
      }
      data[k] = value;
    }
  });
  return dtype == torch::kFloat32 ? out : out.to(dtype);
}

}  // namespace chatterbox::io
