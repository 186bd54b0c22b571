// VoiceEncoder parity against the reference (goldens/ve, e2e_turbo) with the pattern weights.
#include <gtest/gtest.h>

#include "engine/dsp/trim_silence.h"
#include "engine/dsp/ve_mel.h"
#include "engine/io/param_layout.h"
#include "engine/io/state_dict.h"
#include "engine/models/voice_encoder/voice_encoder.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

using voice_encoder::VoiceEncoder;

const VoiceEncoder& pattern_encoder() {
  static const VoiceEncoder ve =
      VoiceEncoder::load(io::pattern_state_dict("ve")).to(testing::test_device());
  return ve;
}

TEST(VoiceEncoderParity, UntrimmedMelMatchesReference) {
  const auto golden = testing::load_golden("ve");
  const torch::Tensor mel = dsp::ve_mel_spectrogram(testing::on_test_device(golden["wav16"]));
  EXPECT_TENSORS_CLOSE(mel, golden["mel_untrimmed"], 1e-4);
  // Relative agreement too: the values are small (max about 0.2).
  const double rel =
      ((mel.cpu() - golden["mel_untrimmed"]).abs().max() / golden["mel_untrimmed"].abs().max())
          .item<double>();
  EXPECT_LT(rel, 1e-5);
}

TEST(VoiceEncoderParity, UtteranceEmbeddingMatchesReference) {
  const auto golden = testing::load_golden("ve");
  const torch::Tensor embedding =
      pattern_encoder().embed_utterance(testing::on_test_device(golden["wav16"]));
  EXPECT_TENSORS_CLOSE(embedding, golden["embedding"], 1e-4);
}

// ve.pt-style checkpoint: a torch.save pickle written from CUDA, mapped to the CPU.
TEST(VoiceEncoderParity, CudaSavedCheckpointGivesTheSameEmbedding) {
  const auto golden = testing::load_golden("ve");
  const VoiceEncoder ve =
      VoiceEncoder::load(io::StateDict::load(testing::goldens_dir() + "/ve_cuda_saved.pt"))
          .to(testing::test_device());
  EXPECT_TENSORS_CLOSE(ve.embed_utterance(testing::on_test_device(golden["wav16"])),
                       golden["embedding"], 1e-4);
}

// The turbo pipeline embeds its loudness-normalised 16 kHz reference (8.3 s, two clips).
TEST(VoiceEncoderParity, TurboReferenceSpeakerEmbeddingMatches) {
  const auto golden = testing::load_golden("e2e_turbo");
  const torch::Tensor embedding =
      pattern_encoder().embed_utterance(testing::on_test_device(golden["ref16_after_loudness"]));
  EXPECT_TENSORS_CLOSE(embedding, golden["t3_speaker_emb"], 1e-4);
}

}  // namespace
}  // namespace chatterbox
