#pragma once
// Sampling for a batch of requests on the device: every row has its own options (as tensors),
// its own tokens seen (a mask, not a host list) and its own uniform. Row by row it removes and
// picks exactly what process_logits and sample_inverse_cdf do for one request.

#include <torch/torch.h>

#include <vector>

#include "engine/sampling/sampler.h"

namespace chatterbox::sampling {

// Per-row options on the device, (R,) each.
struct RowOptions {
  torch::Tensor temperature;         // float32
  torch::Tensor top_k;               // int64; 0 = off
  torch::Tensor top_p_threshold;     // float32: remove where the cumulative is <= it; -1 = off
  torch::Tensor min_p;               // float32
  torch::Tensor repetition_penalty;  // float32

  static RowOptions build(ProcessorChain chain, const std::vector<SamplingOptions>& rows,
                          const torch::Device& device);
  bool any_top_k = false;
};

// scores (R, V) float32; seen (R, V) bool: the tokens the repetition penalty applies to.
torch::Tensor process_logits_rows(ProcessorChain chain, const torch::Tensor& scores,
                                  const RowOptions& options, const torch::Tensor& seen);

// One token per row: the inverse-CDF rule of sample_inverse_cdf on probs (R, V), with u (R,)
// float64 on the probs' device. Returns (R,) int64 on that device.
torch::Tensor sample_inverse_cdf_rows(const torch::Tensor& probs, const torch::Tensor& u);

// Every score of the row removed (-inf), (R,) bool.
torch::Tensor all_removed(const torch::Tensor& processed);

}  // namespace chatterbox::sampling
