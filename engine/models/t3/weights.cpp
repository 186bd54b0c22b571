#include "engine/models/t3/weights.h"

namespace chatterbox::models::t3 {

torch::Tensor WeightReader::get(const std::string& key, const std::vector<int64_t>& shape) const {
  return dict_.get(prefix_ + key, shape).to(device_, dtype_).contiguous();
}

Linear Linear::load(const WeightReader& w, int64_t in, int64_t out, bool with_bias) {
  Linear l;
  l.weight = w.get("weight", {out, in});
  if (with_bias) l.bias = w.get("bias", {out});
  return l;
}

torch::Tensor Linear::operator()(const torch::Tensor& x) const {
  return torch::linear(x, weight, bias);
}

Conv1D Conv1D::load(const WeightReader& w, int64_t in, int64_t out) {
  return Conv1D{w.get("weight", {in, out}), w.get("bias", {out})};
}

torch::Tensor Conv1D::operator()(const torch::Tensor& x) const {
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
