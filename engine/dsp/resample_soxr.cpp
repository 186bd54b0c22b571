#include "engine/dsp/resample_soxr.h"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/common/error.h"

namespace chatterbox::dsp {
namespace {

struct SoxrDeleter {
  void operator()(soxr_t s) const { soxr_delete(s); }
};
using SoxrHandle = std::unique_ptr<std::remove_pointer_t<soxr_t>, SoxrDeleter>;

void check(soxr_error_t err, const char* during) {
  if (err) fail(ErrorCode::kInternal, std::string("libsoxr ") + during + ": " + err);
}

// One channel through a fresh resampler, fed and flushed the way python-soxr's
// csoxr_divide_proc does, so that the produced length matches too.
std::vector<float> resample_channel(const float* in, size_t ilen, double in_rate, double out_rate) {
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t err = nullptr;
  SoxrHandle soxr(soxr_create(in_rate, out_rate, 1, &err, &io, &quality, nullptr));
  check(err, "create");

  const auto olen = static_cast<size_t>(static_cast<double>(ilen) * out_rate / in_rate + 1);
  const auto chunk = static_cast<size_t>(std::max(1000.0, 48000.0 * in_rate / out_rate));
  std::vector<float> out(olen, 0.0f);
  size_t pos = 0;
  size_t done = 0;
  for (size_t i = 0; i < ilen; i += chunk) {
    check(soxr_process(soxr.get(), in + i, std::min(chunk, ilen - i), nullptr, out.data() + pos,
                       olen - pos, &done),
          "process");
    pos += done;
  }
  check(soxr_process(soxr.get(), nullptr, 0, nullptr, out.data() + pos, olen - pos, &done),
        "flush");
  out.resize(pos + done);
  return out;
}

}  // namespace

int64_t resampled_length(int64_t n, int in_rate, int out_rate) {
  const double ratio = static_cast<double>(out_rate) / in_rate;
  return static_cast<int64_t>(std::ceil(static_cast<double>(n) * ratio));
}

torch::Tensor resample_soxr_hq(const torch::Tensor& wav, int in_rate, int out_rate) {
  if (in_rate <= 0 || out_rate <= 0) {
    fail(ErrorCode::kInvalidArgument, "sample rates must be positive, got " +
                                          std::to_string(in_rate) + " -> " +
                                          std::to_string(out_rate));
  }
  if (wav.dim() != 1 && wav.dim() != 2) {
    fail(ErrorCode::kInvalidArgument, "resampling expects (N,) or (B, N) audio");
  }
  if (in_rate == out_rate) return wav;

  const torch::Tensor rows =
      wav.detach().to(torch::kCPU, torch::kFloat32).reshape({-1, wav.size(-1)}).contiguous();
  const int64_t n_in = rows.size(1);
  const int64_t n_out = resampled_length(n_in, in_rate, out_rate);
  torch::Tensor result = torch::zeros({rows.size(0), n_out}, torch::kFloat32);
  for (int64_t b = 0; b < rows.size(0); ++b) {
    const std::vector<float> y =
        resample_channel(rows[b].data_ptr<float>(), static_cast<size_t>(n_in), in_rate, out_rate);
    const int64_t keep = std::min<int64_t>(n_out, static_cast<int64_t>(y.size()));
    std::copy(y.begin(), y.begin() + keep, result[b].data_ptr<float>());
  }
  if (wav.dim() == 1) result = result.squeeze(0);
  return result.to(wav.device());
}

Audio to_rate(const Audio& audio, int rate) {
  Audio out = audio;
  out.samples = resample_soxr_hq(audio.samples, audio.sample_rate, rate);
  out.sample_rate = rate;
  return out;
}

}  // namespace chatterbox::dsp
