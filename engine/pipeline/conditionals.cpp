#include "engine/pipeline/conditionals.h"

#include <cmath>
#include <cstdio>

#include "engine/common/error.h"
#include "engine/dsp/loudness.h"
#include "engine/dsp/resample_soxr.h"
#include "engine/log/log.h"

namespace chatterbox::pipeline {

Conditionals Conditionals::with_exaggeration(double exaggeration) const {
  Conditionals copy = *this;
  const auto options = t3.speaker_emb.defined() ? t3.speaker_emb.options()
                                                : torch::TensorOptions().dtype(torch::kFloat);
  copy.t3.emotion_adv = torch::full({1, 1, 1}, exaggeration, options.dtype(torch::kFloat));
  return copy;
}

int64_t encoder_cond_samples(Variant variant) {
  return (is_turbo_family(variant) ? 15 : 6) * int64_t{kS3Rate};
}

int64_t t3_prompt_len(Variant variant) {
  return is_turbo_family(variant) ? 375 : 150;
}

Conditionals conditionals_from_clips(const torch::Tensor& wav24, const torch::Tensor& wav16,
                                     Variant variant, double exaggeration,
                                     const VoiceModels& models) {
  if (!models.embedder) fail(ErrorCode::kInternal, "conditionals: no reference embedder");
  Conditionals conds;
  conds.variant = variant;
  const torch::Tensor decoder_ref =
      wav24.reshape({-1}).slice(0, 0, std::min<int64_t>(wav24.numel(), kDecoderCondSamples));
  conds.gen = models.embedder->embed_ref(decoder_ref, kS3GenRate);
  if (variant == Variant::kVoiceConversion) return conds;
  if (!models.voice_encoder) fail(ErrorCode::kInternal, "conditionals: no voice encoder");
  const torch::Tensor w16 = wav16.reshape({-1});
  conds.t3.cond_prompt_speech_tokens = models::s3gen::t3_prompt_tokens(
      models.embedder->tokenizer(), w16, encoder_cond_samples(variant), t3_prompt_len(variant));
  conds.t3.speaker_emb = models.voice_encoder->embed_utterance(w16).to(torch::kCPU);
  conds.t3.emotion_adv = torch::full({1, 1, 1}, exaggeration, torch::kFloat);
  return conds;
}

void check_reference_length(Variant variant, double seconds) {
  if (!is_turbo_family(variant) || seconds > kTurboMinReferenceSeconds) return;
  char text[128];
  std::snprintf(text, sizeof(text), "the reference audio must be longer than %.0f s (it is %.2f s)",
                kTurboMinReferenceSeconds, seconds);
  fail(ErrorCode::kInvalidArgument, text);
}

Conditionals prepare_conditionals(const dsp::Audio& reference, Variant variant, double exaggeration,
                                  const VoiceModels& models) {
  if (reference.samples.numel() == 0)
    fail(ErrorCode::kInvalidArgument, "the reference audio is empty");
  dsp::Audio audio24 = dsp::to_rate(reference, kS3GenRate);
  torch::Tensor wav24 = audio24.samples;
  if (is_turbo_family(variant)) {
    check_reference_length(variant, static_cast<double>(wav24.numel()) / kS3GenRate);
    const auto loud = dsp::normalize_loudness(wav24, kS3GenRate, kTurboReferenceLufs);
    if (!loud.applied) log::warn("reference loudness could not be normalised; using it as is");
    wav24 = loud.wav;
  }
  torch::Tensor wav16;
  if (variant != Variant::kVoiceConversion) {
    dsp::Audio normalised{wav24, kS3GenRate, 1};
    wav16 = dsp::to_rate(normalised, kS3Rate).samples;
  }
  return conditionals_from_clips(wav24, wav16, variant, exaggeration, models);
}

Conditionals prepare_conditionals_from_bytes(const std::string& bytes, Variant variant,
                                             double exaggeration, const VoiceModels& models,
                                             const dsp::AudioLimits& limits) {
  return prepare_conditionals(dsp::read_audio_bytes(bytes, limits), variant, exaggeration, models);
}

}  // namespace chatterbox::pipeline
