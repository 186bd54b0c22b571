#include "engine/models/s3gen/cfm.h"

#include <cmath>

namespace chatterbox::models::s3gen {

torch::Tensor flow_time_grid(int64_t steps, TimeSchedule schedule,
                             const torch::TensorOptions& options) {
  auto tau = torch::linspace(0, 1, steps + 1, options);
  if (schedule == TimeSchedule::kLinear) return tau;
  return 1 - torch::cos(tau * 0.5 * M_PI);
}

CausalCfmImpl::CausalCfmImpl(bool meanflow) {
  estimator_ = register_module("estimator", ConditionalUnet(meanflow));
}

torch::Tensor CausalCfmImpl::forward(const CfmInputs& in, int64_t steps, EstimatorGraphs* graphs) {
  auto schedule = meanflow() ? TimeSchedule::kLinear : TimeSchedule::kCosine;
  auto times = flow_time_grid(steps, schedule, in.mu.options());
  return meanflow() ? solve_meanflow(in, times, graphs) : solve_with_guidance(in, times, graphs);
}

torch::Tensor CausalCfmImpl::estimate(EstimatorGraphs* graphs, const torch::Tensor& x,
                                      const torch::Tensor& mask, const torch::Tensor& mu,
                                      const torch::Tensor& t, const torch::Tensor& spks,
                                      const torch::Tensor& cond, const torch::Tensor& r) {
  if (graphs) return graphs->forward(estimator_, x, mask, mu, t, spks, cond, r);
  return estimator_(x, mask, mu, t, spks, cond, r);
}

torch::Tensor CausalCfmImpl::solve_with_guidance(const CfmInputs& in, const torch::Tensor& times,
                                                 EstimatorGraphs* graphs) {
  const int64_t batch = in.mu.size(0);
  // Rows [0, B) are conditional, rows [B, 2B) unconditional: same x and mask, zero conditions.
  auto mask2 = torch::cat({in.mask, in.mask});
  auto mu2 = torch::cat({in.mu, torch::zeros_like(in.mu)});
  auto spks2 = torch::cat({in.spks, torch::zeros_like(in.spks)});
  auto cond2 = torch::cat({in.cond, torch::zeros_like(in.cond)});
  auto x = in.z;
  for (int64_t k = 0; k + 1 < times.size(0); ++k) {
    auto t = times.slice(0, k, k + 1);
    auto r = times.slice(0, k + 1, k + 2);
    auto v = estimate(graphs, torch::cat({x, x}), mask2, mu2, t.expand({2 * batch}), spks2, cond2);
    auto guided = (1.0 + kCfgRate) * v.slice(0, 0, batch) - kCfgRate * v.slice(0, batch);
    x = x + (r - t) * guided;
  }
  return x;
}

torch::Tensor CausalCfmImpl::solve_meanflow(const CfmInputs& in, const torch::Tensor& times,
                                            EstimatorGraphs* graphs) {
  auto x = in.z;
  for (int64_t k = 0; k + 1 < times.size(0); ++k) {
    auto t = times.slice(0, k, k + 1);
    auto r = times.slice(0, k + 1, k + 2);
    x = x + (r - t) * estimate(graphs, x, in.mask, in.mu, t, in.spks, in.cond, r);
  }
  return x;
}

}  // namespace chatterbox::models::s3gen
