#include "engine/models/t3/int8_rows.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>

#include "engine/common/error.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CHATTERBOX_X86 1
#endif

namespace chatterbox::models::t3 {
namespace {

// Dot products of one int8 weight row with ROWS activation rows (`stride` floats apart).
template <int ROWS>
void dot_rows_portable(const int8_t* w, const float* x, int64_t stride, int64_t in, float* out) {
  for (int r = 0; r < ROWS; ++r) {
    const float* xr = x + r * stride;
    float sum = 0.0f;
    for (int64_t i = 0; i < in; ++i) sum += static_cast<float>(w[i]) * xr[i];
    out[r] = sum;
  }
}

#ifdef CHATTERBOX_X86
__attribute__((target("avx2,fma"))) float horizontal_sum(__m256 v) {
  const __m128 pair = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 two = _mm_add_ps(pair, _mm_movehl_ps(pair, pair));
  return _mm_cvtss_f32(_mm_add_ss(two, _mm_shuffle_ps(two, two, 1)));
}

// 16 weights a turn: widened to int32, converted to float, multiplied into two accumulators
// per activation row (so consecutive FMAs do not wait on each other).
template <int ROWS>
__attribute__((target("avx2,fma"))) void dot_rows_avx2(const int8_t* w, const float* x,
                                                       int64_t stride, int64_t in, float* out) {
  __m256 lo[ROWS], hi[ROWS];
  for (int r = 0; r < ROWS; ++r) lo[r] = hi[r] = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= in; i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + i));
    const __m256 w_lo = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(bytes));
    const __m256 w_hi = _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(bytes, 8)));
    for (int r = 0; r < ROWS; ++r) {
      lo[r] = _mm256_fmadd_ps(w_lo, _mm256_loadu_ps(x + r * stride + i), lo[r]);
      hi[r] = _mm256_fmadd_ps(w_hi, _mm256_loadu_ps(x + r * stride + i + 8), hi[r]);
    }
  }
  for (int r = 0; r < ROWS; ++r) {
    float sum = horizontal_sum(_mm256_add_ps(lo[r], hi[r]));
    for (int64_t j = i; j < in; ++j) sum += static_cast<float>(w[j]) * x[r * stride + j];
    out[r] = sum;
  }
}

bool has_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
}
#endif

template <int ROWS>
void dot_rows(const int8_t* w, const float* x, int64_t stride, int64_t in, float* out) {
#ifdef CHATTERBOX_X86
  if (has_avx2()) return dot_rows_avx2<ROWS>(w, x, stride, in, out);
#endif
  dot_rows_portable<ROWS>(w, x, stride, in, out);
}

// y[r, o] = scale[o] * (w[o] . x[r]) + bias[o] for output rows [begin, end).
template <int ROWS>
void times_range(const int8_t* w, const float* scales, const float* x, const float* bias,
                 int64_t in, int64_t out, float* y, int64_t begin, int64_t end) {
  float dots[ROWS];
  for (int64_t o = begin; o < end; ++o) {
    dot_rows<ROWS>(w + o * in, x, in, in, dots);
    for (int r = 0; r < ROWS; ++r) y[r * out + o] = dots[r] * scales[o] + (bias ? bias[o] : 0.0f);
  }
}

// Output rows a task takes: enough that a thread's share is worth waking it for.
constexpr int64_t kGrainRows = 64;

}  // namespace

Int8Rows Int8Rows::quantize(const torch::Tensor& weight) {
  if (weight.dim() != 2) fail(ErrorCode::kInvalidArgument, "int8 rows need a 2-d weight");
  const torch::Tensor w = weight.to(torch::kCPU, torch::kFloat32).contiguous();
  Int8Rows q;
  q.scales_ = w.abs().amax(1) / 127.0;
  q.scales_.masked_fill_(q.scales_ == 0, 1.0);  // an all-zero row: any scale gives zeros
  q.values_ = (w / q.scales_.unsqueeze(1)).round().clamp(-127, 127).to(torch::kInt8).contiguous();
  return q;
}

Int8Rows Int8Rows::stacked(const std::vector<const Int8Rows*>& parts) {
  std::vector<torch::Tensor> values, scales;
  for (const Int8Rows* part : parts) {
    values.push_back(part->values_);
    scales.push_back(part->scales_);
  }
  Int8Rows q;
  q.values_ = torch::cat(values, 0).contiguous();
  q.scales_ = torch::cat(scales, 0);
  return q;
}

torch::Tensor Int8Rows::dequantized() const {
  return values_.to(torch::kFloat32) * scales_.unsqueeze(1);
}

torch::Tensor Int8Rows::times(const torch::Tensor& x, const torch::Tensor& bias) const {
  const int64_t in = values_.size(1), out = values_.size(0);
  if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || x.size(-1) != in)
    fail(ErrorCode::kInvalidArgument, "int8 rows multiply float32 CPU rows of their width");
  const torch::Tensor rows = x.reshape({-1, in}).contiguous();
  const int64_t count = rows.size(0);
  if (count > kMaxRows) fail(ErrorCode::kInvalidArgument, "int8 rows take at most two rows");
  auto out_shape = x.sizes().vec();
  out_shape.back() = out;
  torch::Tensor y = torch::empty({count, out}, rows.options());
  const int8_t* w = values_.data_ptr<int8_t>();
  const float* s = scales_.data_ptr<float>();
  const float* xs = rows.data_ptr<float>();
  const torch::Tensor b = bias.defined() ? bias.contiguous() : bias;
  const float* bs = b.defined() ? b.data_ptr<float>() : nullptr;
  float* ys = y.data_ptr<float>();
  at::parallel_for(0, out, kGrainRows, [&](int64_t begin, int64_t end) {
    if (count == 1) times_range<1>(w, s, xs, bs, in, out, ys, begin, end);
    if (count == 2) times_range<2>(w, s, xs, bs, in, out, ys, begin, end);
  });
  return y.view(out_shape);
}

}  // namespace chatterbox::models::t3
