#pragma once
// A voiced, syllable-modulated signal with a little noise: what a warm-up and a benchmark speak
// from when no real clip may be assumed. (L,) float32 in [-1, 1], the same on every machine.

#include <torch/torch.h>

namespace chatterbox::dsp {

torch::Tensor synthetic_voice(double seconds, int64_t rate);

}  // namespace chatterbox::dsp
