// Framing, padding and windows of the three spectral front ends, checked against explicit
// per-frame DFTs; and the Kaldi fbank's DC removal.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "engine/dsp/kaldi_fbank.h"
#include "engine/dsp/prompt_mel.h"
#include "engine/dsp/s3_log_mel.h"
#include "engine/dsp/windows.h"

namespace chatterbox::dsp {
namespace {

torch::Tensor noise(int64_t length, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::rand({length}, gen) * 0.5 - 0.25;
}

// x[i] for i in [-pad, n + pad) with numpy/torch "reflect" (edge not repeated).
float reflected(const torch::Tensor& x, int64_t i) {
  const int64_t n = x.size(0);
  if (i < 0) i = -i;
  if (i >= n) i = 2 * (n - 1) - i;
  return x[i].item<float>();
}

torch::Tensor frame(const torch::Tensor& x, int64_t start, int64_t length) {
  torch::Tensor out = torch::empty({length});
  for (int64_t j = 0; j < length; ++j) out[j] = reflected(x, start + j);
  return out;
}

TEST(DspWindows, PeriodicHannIsTheSymmetricOneOfLengthPlusOneTruncated) {
  torch::Tensor periodic = hann_window(400, true);
  torch::Tensor symmetric = hann_window(401, false).slice(0, 0, 400);
  EXPECT_LT((periodic - symmetric).abs().max().item<float>(), 1e-6);
  EXPECT_EQ(periodic[0].item<float>(), 0.0f);
  EXPECT_NEAR(periodic[200].item<float>(), 1.0f, 1e-6);
}

TEST(DspWindows, PoveyIsSymmetricHannToThePower085) {
  torch::Tensor povey = povey_window(400);
  EXPECT_EQ(povey[0].item<float>(), 0.0f);
  EXPECT_EQ(povey[399].item<float>(), 0.0f);
  torch::Tensor expected = hann_window(400, false).pow(0.85);
  EXPECT_LT((povey - expected).abs().max().item<float>(), 1e-7);
  EXPECT_LT((povey - povey.flip(0)).abs().max().item<float>(), 1e-6);
}

TEST(DspPromptMel, FramesAreUncentredWindowsOverAReflectPaddedSignal) {
  PromptMelExtractor extractor;
  for (int64_t length : {4800, 4801, 5279, 24000}) {
    torch::Tensor mel = extractor(noise(length, 3));
    EXPECT_EQ(mel.sizes(), torch::IntArrayRef({1, 80, length / 480})) << length;
  }
  torch::Tensor x = noise(9600, 5);
  torch::Tensor mel = extractor(x);
  torch::Tensor window = hann_window(1920, true);
  for (int64_t t : {0, 7, 19}) {
    // Frame t starts at t * hop - (n_fft - hop) / 2 in the original signal.
    torch::Tensor spectrum = torch::fft_rfft(frame(x, t * 480 - 720, 1920) * window);
    torch::Tensor magnitude = torch::sqrt(spectrum.abs().pow(2) + 1e-9);
    torch::Tensor expected =
        torch::log(torch::clamp(torch::matmul(extractor.mel_basis(), magnitude), 1e-5));
    EXPECT_LT((mel[0].select(1, t) - expected).abs().max().item<float>(), 2e-4) << "frame " << t;
  }
}

TEST(DspS3LogMel, CentredFramesDropTheLastAndFloorEightDecadesBelowThePeak) {
  S3LogMel log_mel;
  torch::Tensor x = noise(3200, 9);
  x.slice(0, 1600, 1800).mul_(1e-6);  // a near-silent stretch to exercise the floor
  torch::Tensor mel = log_mel(x);
  ASSERT_EQ(mel.sizes(), torch::IntArrayRef({128, 20}));
  EXPECT_EQ(log_mel(x.unsqueeze(0)).sizes(), torch::IntArrayRef({1, 128, 20}));
  const float peak = mel.max().item<float>();
  EXPECT_GE(mel.min().item<float>(), peak - 2.0f - 1e-6f);  // (max - 8 + 4) / 4

  torch::Tensor window = hann_window(400, true);
  std::vector<torch::Tensor> columns;
  for (int64_t t = 0; t < 20; ++t) {
    torch::Tensor power = torch::fft_rfft(frame(x, t * 160 - 200, 400) * window).abs().pow(2);
    columns.push_back(torch::clamp(torch::matmul(log_mel.mel_filters(), power), 1e-10).log10());
  }
  torch::Tensor expected = torch::stack(columns, 1);
  expected = (torch::maximum(expected, expected.max() - 8.0) + 4.0) / 4.0;
  EXPECT_LT((mel - expected).abs().max().item<float>(), 1e-4);
}

TEST(DspKaldiFbank, SnipsEdgesAndRemovesEachFramesDcOffset) {
  KaldiFbank fbank;
  EXPECT_EQ(fbank(noise(400, 1)).sizes(), torch::IntArrayRef({1, 80}));
  EXPECT_EQ(fbank(noise(16000, 1)).sizes(), torch::IntArrayRef({98, 80}));
  EXPECT_EQ(fbank.fft_size(), 512);
  // A constant signal has nothing left after DC removal: every energy sits at the floor.
  torch::Tensor dc = fbank(torch::full({1600}, 0.3f));
  const float floor = std::log(std::numeric_limits<float>::epsilon());
  EXPECT_NEAR(dc.max().item<float>(), floor, 1e-6);
  EXPECT_NEAR(dc.min().item<float>(), floor, 1e-6);
  // Adding a constant offset to a signal changes nothing (up to rounding).
  torch::Tensor x = noise(4000, 2);
  EXPECT_LT((fbank(x + 0.1) - fbank(x)).abs().max().item<float>(), 1e-3);
}

TEST(DspKaldiFbank, MatchesAnExplicitFrameComputation) {
  KaldiFbank fbank;
  torch::Tensor x = noise(2000, 4);
  torch::Tensor feats = fbank(x);
  const int64_t t = 3;
  torch::Tensor f = x.slice(0, t * 160, t * 160 + 400).clone();
  f -= f.mean();
  torch::Tensor shifted = torch::cat({f.slice(0, 0, 1), f.slice(0, 0, 399)});
  f = (f - 0.97 * shifted) * povey_window(400);
  torch::Tensor power = torch::fft_rfft(torch::constant_pad_nd(f, {0, 112}, 0.0)).abs().pow(2);
  torch::Tensor expected = torch::matmul(fbank.mel_banks(), power).clamp_min(1.1920929e-07).log();
  EXPECT_LT((feats[t] - expected).abs().max().item<float>(), 1e-4);
}

TEST(DspKaldiFbank, CampPlusFeaturesHaveZeroMeanOverTime) {
  KaldiFbank fbank;
  torch::Tensor feats = campplus_features(fbank, noise(8000, 8));
  EXPECT_LT(feats.mean(0).abs().max().item<float>(), 1e-5);
}

}  // namespace
}  // namespace chatterbox::dsp
