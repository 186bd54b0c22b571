#pragma once
// Conditional flow matching decoder (S3Gen's CausalConditionalCFM): integrates the estimator's
// velocity field from noise z at t=0 to a mel at t=1 with fixed-step Euler.
//  - base: cosine time grid, classifier-free guidance with a batch of [conditional; unconditional]
//    rows (the unconditional rows zero mu, speaker and prompt condition), v = 1.7 v_c - 0.7 v_u;
//  - meanflow: linear grid, no guidance, the estimator also sees the step's end time r.

#include <torch/torch.h>

#include "engine/models/s3gen/estimator_graphs.h"
#include "engine/models/s3gen/unet.h"

namespace chatterbox::models::s3gen {

enum class TimeSchedule { kCosine, kLinear };

// steps+1 flow times from 0 to 1: linspace, or 1 - cos(tau * pi/2) for the cosine schedule.
torch::Tensor flow_time_grid(int64_t steps, TimeSchedule schedule,
                             const torch::TensorOptions& options);

struct CfmInputs {
  torch::Tensor z;     // (B,80,T) start noise
  torch::Tensor mu;    // (B,80,T) encoder projection
  torch::Tensor mask;  // (B,1,T) float
  torch::Tensor spks;  // (B,80)
  torch::Tensor cond;  // (B,80,T) prompt mel in the prompt frames, zeros elsewhere
};

class CausalCfmImpl : public torch::nn::Module {
 public:
  static constexpr double kCfgRate = 0.7;

  explicit CausalCfmImpl(bool meanflow);

  // Runs `steps` Euler steps; returns the mel state x at t = 1, (B,80,T). With `graphs`, the
  // estimator runs through them (estimator_graphs.h).
  torch::Tensor forward(const CfmInputs& in, int64_t steps, EstimatorGraphs* graphs = nullptr);

  bool meanflow() const { return estimator_->meanflow(); }
  ConditionalUnet& estimator() { return estimator_; }
  const ConditionalUnet& estimator() const { return estimator_; }

 private:
  torch::Tensor solve_with_guidance(const CfmInputs& in, const torch::Tensor& times,
                                    EstimatorGraphs* graphs);
  torch::Tensor solve_meanflow(const CfmInputs& in, const torch::Tensor& times,
                               EstimatorGraphs* graphs);
  torch::Tensor estimate(EstimatorGraphs* graphs, const torch::Tensor& x, const torch::Tensor& mask,
                         const torch::Tensor& mu, const torch::Tensor& t, const torch::Tensor& spks,
                         const torch::Tensor& cond, const torch::Tensor& r = {});

  ConditionalUnet estimator_{nullptr};
};
TORCH_MODULE(CausalCfm);

}  // namespace chatterbox::models::s3gen
