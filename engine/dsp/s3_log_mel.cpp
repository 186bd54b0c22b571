#include "engine/dsp/s3_log_mel.h"

#include "engine/common/error.h"
#include "engine/dsp/mel_filters.h"
#include "engine/dsp/windows.h"

namespace chatterbox::dsp {

S3LogMel::S3LogMel(std::optional<torch::Tensor> mel_filters, std::optional<torch::Tensor> window)
    : mel_filters_(mel_filters ? mel_filters->to(torch::kCPU, torch::kFloat32).clone()
                               : slaney_mel_filters(kSampleRate, kFft, kMels)),
      window_(window ? window->to(torch::kCPU, torch::kFloat32).clone()
                     : hann_window(kFft, /*periodic=*/true)) {
  if (mel_filters_.sizes() != torch::IntArrayRef{kMels, kFft / 2 + 1} ||
      window_.sizes() != torch::IntArrayRef{kFft})
    fail(ErrorCode::kInvalidArgument, "S3 log-mel: mel filters must be (128, 201), window (400,)");
}

torch::Tensor S3LogMel::operator()(const torch::Tensor& wav) const {
  if (wav.dim() < 1 || wav.dim() > 2 || wav.size(-1) <= kFft / 2)
    fail(ErrorCode::kInvalidArgument,
         "S3 log-mel: expected one utterance (L,) or (1, L) of more than 200 samples");
  torch::Tensor spec = torch::stft(wav, kFft, kHop, kFft, window_.to(wav.device()),
                                   /*center=*/true, "reflect", /*normalized=*/false,
                                   /*onesided=*/true, /*return_complex=*/true);
  torch::Tensor power = spec.slice(-1, 0, spec.size(-1) - 1).abs().pow(2);
  torch::Tensor mel = torch::matmul(mel_filters_.to(wav.device()), power);
  torch::Tensor log_spec = torch::clamp(mel, 1e-10).log10();
  log_spec = torch::maximum(log_spec, log_spec.max() - 8.0);
  return (log_spec + 4.0) / 4.0;
}

}  // namespace chatterbox::dsp
