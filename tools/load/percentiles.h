#pragma once
// Nearest-rank percentiles of a sample (p50, p90, p99), for latency reports.

#include <vector>

namespace chatterbox::load {

struct Percentiles {
  int count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<double> values);

}  // namespace chatterbox::load
