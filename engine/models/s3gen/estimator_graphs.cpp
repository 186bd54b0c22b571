#include "engine/models/s3gen/estimator_graphs.h"

#include <vector>

namespace chatterbox::models::s3gen {
namespace {

constexpr int64_t kMaxRows = EstimatorGraphs::kMaxRowFrames / EstimatorGraphs::kFrameBlock;

int64_t rows_bucket(int64_t rows) {
  int64_t bucket = 1;
  while (bucket < rows) bucket *= 2;
  return bucket;
}

int64_t frames_bucket(int64_t frames) {
  const int64_t block = EstimatorGraphs::kFrameBlock;
  return (frames + block - 1) / block * block;
}

// The first `sizes` elements of a flat buffer, as a tensor of that shape.
torch::Tensor view_of(const torch::Tensor& flat, at::IntArrayRef sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return flat.narrow(0, 0, n).view(sizes);
}

// `padded` is zeros but where `value` lies, at its own origin.
void place(const torch::Tensor& padded, const torch::Tensor& value) {
  padded.zero_();
  torch::Tensor target = padded;
  for (int64_t d = 0; d < value.dim(); ++d) target = target.narrow(d, 0, value.size(d));
  target.copy_(value);
}

}  // namespace

EstimatorGraphs::EstimatorGraphs(torch::Device device) : device_(device), graphs_(device) {}

void EstimatorGraphs::allocate(const torch::TensorOptions& options) {
  auto flat = [&](int64_t n) { return torch::zeros({n}, options.device(device_)); };
  buffers_.x = flat(kMaxRowFrames * 80);
  buffers_.mu = flat(kMaxRowFrames * 80);
  buffers_.cond = flat(kMaxRowFrames * 80);
  buffers_.out = flat(kMaxRowFrames * 80);
  buffers_.mask = flat(kMaxRowFrames);
  buffers_.spks = flat(kMaxRows * 80);
  buffers_.t = flat(kMaxRows);
  buffers_.r = flat(kMaxRows);
}

torch::Tensor EstimatorGraphs::forward(ConditionalUnet& estimator, const torch::Tensor& x,
                                       const torch::Tensor& mask, const torch::Tensor& mu,
                                       const torch::Tensor& t, const torch::Tensor& spks,
                                       const torch::Tensor& cond, const torch::Tensor& r) {
  const int64_t rows = rows_bucket(x.size(0));
  const int64_t frames = frames_bucket(x.size(2));
  const int64_t channels = x.size(1);
  const bool fits = rows * frames <= kMaxRowFrames && x.device() == device_ &&
                    x.scalar_type() == torch::kFloat32 && channels == 80;
  if (!fits) return estimator(x, mask, mu, t, spks, cond, r);
  if (!buffers_.x.defined()) allocate(x.options());

  const auto wide = [&](const torch::Tensor& flat) { return view_of(flat, {rows, 80, frames}); };
  const torch::Tensor x_in = wide(buffers_.x), mu_in = wide(buffers_.mu),
                      cond_in = wide(buffers_.cond), out = wide(buffers_.out);
  const torch::Tensor mask_in = view_of(buffers_.mask, {rows, 1, frames});
  const torch::Tensor spks_in = view_of(buffers_.spks, {rows, 80});
  // t and r are one shared time or one per row; the shape is part of the graph.
  const int64_t times = t.size(0) == 1 ? 1 : rows;
  const torch::Tensor t_in = view_of(buffers_.t, {times});
  const torch::Tensor r_in = r.defined() ? view_of(buffers_.r, {times}) : torch::Tensor();

  place(x_in, x);
  place(mu_in, mu);
  place(cond_in, cond);
  place(mask_in, mask.to(x.scalar_type()));
  place(spks_in, spks);
  place(t_in, t);
  if (r.defined()) place(r_in, r);

  const std::vector<int64_t> shape{rows, frames, times, r.defined() ? 1 : 0};
  graphs_.replay(shape, [&] {
    out.copy_(estimator(x_in, mask_in, mu_in, t_in, spks_in, cond_in, r_in));
    return out;
  });
  return out.narrow(0, 0, x.size(0)).narrow(2, 0, x.size(2));
}

}  // namespace chatterbox::models::s3gen
