#include "engine/dsp/kaldi_fbank.h"

#include <limits>
#include <string>

#include "engine/common/error.h"
#include "engine/dsp/mel_filters.h"
#include "engine/dsp/windows.h"

namespace chatterbox::dsp {
namespace {

int64_t next_power_of_two(int64_t n) {
  int64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

KaldiFbank::KaldiFbank(KaldiFbankConfig config)
    : config_(config),
      frame_length_(static_cast<int64_t>(config.sample_rate * config.frame_length_ms * 0.001)),
      frame_shift_(static_cast<int64_t>(config.sample_rate * config.frame_shift_ms * 0.001)),
      fft_size_(next_power_of_two(frame_length_)),
      window_(povey_window(frame_length_)),
      mel_banks_(kaldi_mel_banks(config.num_mel_bins, fft_size_, config.sample_rate,
                                 config.low_freq, config.high_freq)) {}

torch::Tensor KaldiFbank::operator()(const torch::Tensor& wav) const {
  if (wav.dim() != 1 || wav.size(0) < frame_length_)
    fail(ErrorCode::kInvalidArgument, "fbank: expected mono audio (L,) of at least " +
                                          std::to_string(frame_length_) + " samples");
  const int64_t frames = 1 + (wav.size(0) - frame_length_) / frame_shift_;
  torch::Tensor x = wav.contiguous().as_strided({frames, frame_length_}, {frame_shift_, 1});
  x = x - x.mean(1, /*keepdim=*/true);
  // Pre-emphasis per frame, the first sample against itself.
  torch::Tensor previous = torch::cat({x.slice(1, 0, 1), x.slice(1, 0, frame_length_ - 1)}, 1);
  x = x - previous * config_.preemphasis;
  x = x * window_.to(x.device()).unsqueeze(0);
  x = torch::constant_pad_nd(x, {0, fft_size_ - frame_length_}, 0.0);
  torch::Tensor power = torch::fft_rfft(x).abs().pow(2.0);
  torch::Tensor energies = torch::mm(power, mel_banks_.to(x.device()).t());
  const auto epsilon = torch::full({}, std::numeric_limits<float>::epsilon(), energies.options());
  return torch::max(energies, epsilon).log();
}

torch::Tensor campplus_features(const KaldiFbank& fbank, const torch::Tensor& wav) {
  torch::Tensor feats = fbank(wav);
  return feats - feats.mean(0, /*keepdim=*/true);
}

}  // namespace chatterbox::dsp
