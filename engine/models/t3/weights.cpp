#include "engine/models/t3/weights.h"

#include <vector>

namespace chatterbox::models::t3 {

torch::Tensor WeightReader::get(const std::string& key, const std::vector<int64_t>& shape) const {
  return dict_.get(prefix_ + key, shape).to(device_, dtype_).contiguous();
}

Linear Linear::load(const WeightReader& w, int64_t in, int64_t out, bool with_bias) {
  Linear l;
  l.weight = w.get("weight", {out, in});
  if (with_bias) l.bias = w.get("bias", {out});
  if (w.int8_rows()) l.int8 = Int8Rows::quantize(l.weight);
  return l;
}

namespace {

// At most two float32 rows on the CPU (a decode step at batch 1, with or without CFG's second
// row): BLAS's GEMM packs the whole weight matrix on every call, moving its bytes about three
// times, where GEMV reads them once a row; bandwidth-bound as the step is, that halves the time
// of its products.
constexpr int64_t kMaxGemvRows = 2;

bool few_cpu_rows(const torch::Tensor& x, const torch::Tensor& weight) {
  return x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
         weight.scalar_type() == torch::kFloat32 && x.numel() <= kMaxGemvRows * x.size(-1);
}

// weight_t: (out, in), possibly a transposed view.
torch::Tensor rows_times(const torch::Tensor& x, const torch::Tensor& weight_t,
                         const torch::Tensor& bias) {
  auto out_shape = x.sizes().vec();
  out_shape.back() = weight_t.size(0);
  const auto rows = x.reshape({-1, x.size(-1)});
  std::vector<torch::Tensor> out;
  for (int64_t r = 0; r < rows.size(0); ++r)
    out.push_back(bias.defined() ? torch::addmv(bias, weight_t, rows[r])
                                 : torch::mv(weight_t, rows[r]));
  return torch::stack(out).view(out_shape);
}

}  // namespace

torch::Tensor Linear::operator()(const torch::Tensor& x) const {
  if (few_cpu_rows(x, weight))
    return int8.defined() ? int8.times(x, bias) : rows_times(x, weight, bias);
  return torch::linear(x, weight, bias);
}

Conv1D Conv1D::load(const WeightReader& w, int64_t in, int64_t out) {
  Conv1D c{w.get("weight", {in, out}), w.get("bias", {out}), {}};
  if (w.int8_rows()) c.int8 = Int8Rows::quantize(c.weight.t());
  return c;
}

torch::Tensor Conv1D::operator()(const torch::Tensor& x) const {
  if (few_cpu_rows(x, weight))
    return int8.defined() ? int8.times(x, bias) : rows_times(x, weight.t(), bias);
  auto out_shape = x.sizes().vec();
  out_shape.back() = weight.size(1);
  return torch::addmm(bias, x.reshape({-1, x.size(-1)}), weight).view(out_shape);
}

LayerNorm LayerNorm::load(const WeightReader& w, int64_t dim, double eps) {
  const WeightReader f32 = w.full_precision();
  return LayerNorm{f32.get("weight", {dim}), f32.get("bias", {dim}), eps};
}

torch::Tensor LayerNorm::operator()(const torch::Tensor& x) const {
  if (x.scalar_type() == torch::kFloat32)
    return torch::layer_norm(x, {weight.size(0)}, weight, bias, eps);
  return torch::layer_norm(x.to(torch::kFloat32), {weight.size(0)}, weight, bias, eps)
      .to(x.scalar_type());
}

}  // namespace chatterbox::models::t3
