#pragma once
// CAM++ x-vector speaker encoder (CAMPPlus, embedding 192, not normalised; spec s3gen.md 6):
// Kaldi fbank with per-utterance mean removal -> FCM head -> dense TDNN/CAM trunk -> mean and
// std pooling -> 1x1 conv -> BatchNorm without affine. Loads from "speaker_encoder.".

#include <torch/torch.h>

#include <vector>

#include "engine/dsp/kaldi_fbank.h"
#include "engine/io/state_dict.h"
#include "engine/models/s3gen/campplus_layers.h"

namespace chatterbox::models::s3gen {

struct CampPlusConfig {
  int64_t feat_dim = 80;
  int64_t embedding_size = 192;
  int64_t growth_rate = 32;
  int64_t bn_size = 4;
  int64_t init_channels = 128;
};

// The trunk, registered as "xvector": tdnn, block1..3, transit1..3, out_nonlinear, dense.
class XVectorTrunkImpl : public torch::nn::Module {
 public:
  XVectorTrunkImpl(int64_t in_channels, const CampPlusConfig& config);
  // (B, C, T) -> (B, embedding_size)
  torch::Tensor forward(const torch::Tensor& x);

 private:
  TdnnLayer tdnn_{nullptr};
  std::vector<CamDenseTdnnBlock> blocks_;
  std::vector<TransitLayer> transits_;
  BatchNormRelu out_nonlinear_{nullptr};
  torch::nn::Conv1d dense_linear_{nullptr};
  BatchNormRelu dense_nonlinear_{nullptr};
};
TORCH_MODULE(XVectorTrunk);

class CampPlusImpl : public torch::nn::Module {
 public:
  explicit CampPlusImpl(CampPlusConfig config = {});

  void load(const io::StateDict& weights);

  // feats (B, T, 80) -> (B, 192). No masking: the batch must share one length (upstream pads
  // shorter items with zeros, which then take part in the pooling).
  torch::Tensor forward(const torch::Tensor& feats);

  // Upstream `inference`: fbank + mean removal per 16 kHz waveform, zero-padded into a batch,
  // then forward. wavs (B, L) or (L,), or a list of (L,).
  torch::Tensor inference(const std::vector<torch::Tensor>& wavs);
  torch::Tensor inference(const torch::Tensor& wavs);

  // The fbank features of one 16 kHz waveform (L,), mean removed: (T, 80).
  torch::Tensor features(const torch::Tensor& wav) const;

  torch::Device device() const;

 private:
  CampPlusConfig config_;
  dsp::KaldiFbank fbank_;
  FcmHead head_{nullptr};
  XVectorTrunk xvector_{nullptr};
};
TORCH_MODULE(CampPlus);

}  // namespace chatterbox::models::s3gen
