#include "engine/dsp/prompt_mel.h"

#include <string>

#include "engine/common/error.h"
#include "engine/dsp/mel_filters.h"
#include "engine/dsp/windows.h"

namespace chatterbox::dsp {

PromptMelExtractor::PromptMelExtractor(PromptMelConfig config)
    : config_(config),
      mel_basis_(slaney_mel_filters(config.sample_rate, config.n_fft, config.n_mels, config.fmin,
                                    config.fmax)),
      window_(hann_window(config.win, /*periodic=*/true)) {}

torch::Tensor PromptMelExtractor::operator()(const torch::Tensor& wav) const {
  torch::Tensor y = wav.dim() == 1 ? wav.unsqueeze(0) : wav;
  const int64_t pad = (config_.n_fft - config_.hop) / 2;
  if (y.dim() != 2 || y.size(1) <= pad)
    fail(ErrorCode::kInvalidArgument,
         "prompt mel: expected audio (B, L) with L > " + std::to_string(pad) + " samples");
  namespace F = torch::nn::functional;
  y = F::pad(y.unsqueeze(1), F::PadFuncOptions({pad, pad}).mode(torch::kReflect)).squeeze(1);
  torch::Tensor spec = torch::stft(y, config_.n_fft, config_.hop, config_.win,
                                   window_.to(y.device()), /*center=*/false, "reflect",
                                   /*normalized=*/false, /*onesided=*/true,
                                   /*return_complex=*/true);
  torch::Tensor magnitude = torch::sqrt(torch::view_as_real(spec).pow(2).sum(-1) + 1e-9);
  torch::Tensor mel = torch::matmul(mel_basis_.to(y.device()), magnitude);
  return torch::log(torch::clamp(mel, 1e-5));
}

}  // namespace chatterbox::dsp
