#pragma once
// Leading and trailing silence removal as librosa.effects.trim does it (frame RMS on a
// zero-padded signal, in dB relative to the loudest frame).
#include <torch/torch.h>

#include <cstdint>

namespace chatterbox::dsp {

struct TrimOptions {
  double top_db = 20.0;  // frames quieter than max - top_db are silence
  int64_t frame_length = 2048;
  int64_t hop_length = 512;
};

struct SampleRange {
  int64_t start = 0;
  int64_t end = 0;  // exclusive; start == end when everything is silence
};

// The kept sample range of mono audio (N,).
SampleRange non_silent_range(const torch::Tensor& wav, const TrimOptions& options = {});

// wav[start:end] of non_silent_range (possibly empty).
torch::Tensor trim_silence(const torch::Tensor& wav, const TrimOptions& options = {});

}  // namespace chatterbox::dsp
