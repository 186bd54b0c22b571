#pragma once
// S3TokenizerV2's finite scalar quantiser (FSQVectorQuantization / FSQCodebook; spec s3gen.md
// 5.4): project to 8 dims, squash with tanh * 0.999, round half to even to {-1, 0, 1}, and read
// the 8 ternary digits as one code in 0..6560 (digit 0 least significant).

#include <torch/torch.h>

namespace chatterbox::models::s3gen {

// h (..., 8) in (-1, 1) -> codes (...) int64: sum_i (round_half_even(h_i) + 1) * 3^i,
// accumulated in float32 as upstream does.
torch::Tensor fsq_codes(const torch::Tensor& bounded);

class FsqCodebookImpl : public torch::nn::Module {
 public:
  explicit FsqCodebookImpl(int64_t dim);
  // The squashed projection tanh(project_down(x)) * 0.999, (B, T, 8) float32.
  torch::Tensor bounded_projection(const torch::Tensor& hidden);
  // hidden (B, T, dim) -> codes (B, T) int64.
  torch::Tensor forward(const torch::Tensor& hidden);

 private:
  torch::nn::Linear project_down_{nullptr};
};
TORCH_MODULE(FsqCodebook);

// Holds the codebook under the checkpoint's name `_codebook`.
class FsqQuantizerImpl : public torch::nn::Module {
 public:
  explicit FsqQuantizerImpl(int64_t dim);
  torch::Tensor forward(const torch::Tensor& hidden) { return codebook_->forward(hidden); }
  FsqCodebook& codebook() { return codebook_; }

 private:
  FsqCodebook codebook_{nullptr};
};
TORCH_MODULE(FsqQuantizer);

}  // namespace chatterbox::models::s3gen
