#include "engine/models/s3gen/s3tokenizer_quantizer.h"

namespace chatterbox::models::s3gen {
namespace {

constexpr int64_t kDigits = 8;
constexpr int64_t kLevels = 3;
// float32(0.999), spelled as upstream spells it.
constexpr double kBound = 0.9990000128746033;

}  // namespace

torch::Tensor fsq_codes(const torch::Tensor& bounded) {
  torch::Tensor digits = torch::round(bounded.to(torch::kFloat32)) + 1;  // half to even
  torch::Tensor powers =
      torch::pow(kLevels, torch::arange(kDigits, bounded.options().dtype(torch::kFloat32)));
  return (digits * powers).sum(-1).to(torch::kInt32).to(torch::kInt64);
}

FsqCodebookImpl::FsqCodebookImpl(int64_t dim) {
  project_down_ = register_module("project_down", torch::nn::Linear(dim, kDigits));
}

torch::Tensor FsqCodebookImpl::bounded_projection(const torch::Tensor& hidden) {
  return torch::tanh(project_down_->forward(hidden).to(torch::kFloat32)) * kBound;
}

torch::Tensor FsqCodebookImpl::forward(const torch::Tensor& hidden) {
  return fsq_codes(bounded_projection(hidden));
}

FsqQuantizerImpl::FsqQuantizerImpl(int64_t dim) {
  codebook_ = register_module("_codebook", FsqCodebook(dim));
}

}  // namespace chatterbox::models::s3gen
