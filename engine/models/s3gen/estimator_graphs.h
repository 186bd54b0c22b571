#pragma once
// S3Gen's CFM estimator (ConditionalUnet) replayed as CUDA graphs (ShapeGraphs), one per bucket
// of rows (a power of two) and frames (a multiple of kFrameBlock): a call's few hundred kernel
// launches become one replay, which is what a chunk of one or a few streams is bound by.
//
// A call's rows and frames are padded with zeros under a zero mask. Its real frames never see
// the padding: the estimator's convolutions are causal, its norms per frame and its attention's
// padded keys masked, so a padded call equals the unpadded one up to the rounding of other
// kernel shapes (as a batch of unequal rows does). Every graph reads its inputs from, and leaves
// its velocity in, buffers shared by all of them, so a graph costs little memory of its own.
// One thread at a time (an engine's audio worker).

#include <torch/torch.h>

#include <cstdint>

#include "engine/models/s3gen/unet.h"
#include "engine/models/shape_graphs.h"

namespace chatterbox::models::s3gen {

class EstimatorGraphs {
 public:
  static constexpr int64_t kFrameBlock = 64;
  // Bigger calls (padded rows x frames) run eagerly: their kernels' work, not their launches,
  // bounds them, and padding would only add work (H200, turbo: graphs up to 32k row-frames took
  // 64 streams from 78x to 63x real time). The shared buffers are sized for this.
  static constexpr int64_t kMaxRowFrames = 4 * 1024;

  explicit EstimatorGraphs(torch::Device device);

  // ConditionalUnet::forward's contract. The result is valid until the next call.
  torch::Tensor forward(ConditionalUnet& estimator, const torch::Tensor& x,
                        const torch::Tensor& mask, const torch::Tensor& mu, const torch::Tensor& t,
                        const torch::Tensor& spks, const torch::Tensor& cond,
                        const torch::Tensor& r);

  // Graphs captured so far.
  int64_t size() const { return graphs_.size(); }

 private:
  struct Buffers {
    torch::Tensor x, mu, cond, out;  // kMaxRowFrames * 80 each
    torch::Tensor mask;              // kMaxRowFrames
    torch::Tensor spks;              // rows * 80
    torch::Tensor t, r;              // rows
  };
  void allocate(const torch::TensorOptions& options);

  torch::Device device_;
  ShapeGraphs graphs_;
  Buffers buffers_;
};

}  // namespace chatterbox::models::s3gen
