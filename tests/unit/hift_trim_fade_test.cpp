#include "engine/models/s3gen/trim_fade.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using models::s3gen::apply_trim_fade;
using models::s3gen::trim_fade_window;

TEST(HiftTrimFade, SilenceThenRaisedCosineRamp) {
  const torch::Tensor window = trim_fade_window();
  ASSERT_EQ(window.sizes(), (c10::IntArrayRef{960}));
  EXPECT_EQ(window.slice(0, 0, 480).abs().max().item<float>(), 0.0f);
  EXPECT_NEAR(window[480].item<float>(), 0.0, 1e-7);
  EXPECT_NEAR(window[959].item<float>(), 1.0, 1e-7);
  for (int i = 0; i < 480; i += 37) {
    const double expected = (std::cos(M_PI - M_PI * i / 479.0) + 1) / 2;
    EXPECT_NEAR(window[480 + i].item<float>(), expected, 1e-6) << i;
  }
  const torch::Tensor ramp = window.slice(0, 480);
  EXPECT_TRUE((ramp.slice(0, 1) >= ramp.slice(0, 0, -1)).all().item<bool>());  // rises
}

TEST(HiftTrimFade, AppliesToTheFirst960SamplesOfEveryRow) {
  const torch::Tensor wav = torch::rand({2, 2000}) + 0.5;
  const torch::Tensor faded = apply_trim_fade(wav);
  EXPECT_TRUE(faded.slice(1, 960).equal(wav.slice(1, 960)));
  EXPECT_TRUE(faded.slice(1, 0, 960).equal(wav.slice(1, 0, 960) * trim_fade_window()));
  EXPECT_FALSE(faded.equal(wav));  // the input is left alone
  EXPECT_TRUE(wav.slice(1, 0, 480).gt(0).all().item<bool>());
}

TEST(HiftTrimFade, ShortAudioGetsTheWindowsPrefix) {
  const torch::Tensor wav = torch::ones({1, 700});
  const torch::Tensor faded = apply_trim_fade(wav);
  EXPECT_TRUE(faded[0].equal(trim_fade_window().slice(0, 0, 700)));
}

}  // namespace
}  // namespace chatterbox
