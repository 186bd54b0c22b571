#include "tools/load/percentiles.h"

#include <algorithm>
#include <cmath>

namespace chatterbox::load {
namespace {

// The smallest value with at least p of the sample at or below it (sorted input).
double rank(const std::vector<double>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const auto index = static_cast<size_t>(std::max(0.0, std::ceil(p * n) - 1));
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

Percentiles percentiles(std::vector<double> values) {
  Percentiles p;
  p.count = static_cast<int>(values.size());
  if (values.empty()) return p;
  std::sort(values.begin(), values.end());
  p.p50 = rank(values, 0.50);
  p.p90 = rank(values, 0.90);
  p.p99 = rank(values, 0.99);
  p.max = values.back();
  return p;
}

}  // namespace chatterbox::load
