#pragma once
// Deterministic inputs for the benchmarks: timings must not depend on files a machine may lack.

#include <torch/torch.h>

#include <cmath>

#include "engine/dsp/synthetic_voice.h"

namespace chatterbox::bench {

// A voiced, syllable-modulated signal with a little noise, (L,) float32 in [-1, 1].
inline torch::Tensor speech_like_audio(double seconds, int64_t rate) {
  return dsp::synthetic_voice(seconds, rate);
}

// n speech token ids spread over the vocabulary, (1, n) int64.
inline torch::Tensor pattern_speech_tokens(int64_t n) {
  return (torch::arange(n, torch::kLong) * 131 + 17).remainder(6561).reshape({1, -1});
}

}  // namespace chatterbox::bench
