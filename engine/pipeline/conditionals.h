#pragma once
// A voice: the conditioning that T3 (speaker embedding, prompt speech tokens, exaggeration) and
// S3Gen (reference tokens, mel and x-vector) receive. Computed from a reference clip as each
// pipeline's prepare_conditionals does, read from a published conds.pt, or saved and reloaded
// in our own safetensors form.

#include <torch/torch.h>

#include <optional>
#include <string>

#include "engine/common/variant.h"
#include "engine/dsp/audio_file.h"
#include "engine/models/s3gen/reference_embedding.h"
#include "engine/models/t3/t3_model.h"
#include "engine/models/voice_encoder/voice_encoder.h"

namespace chatterbox::pipeline {

constexpr int kS3GenRate = 24000;
constexpr int kS3Rate = 16000;
constexpr int64_t kDecoderCondSamples = 10 * kS3GenRate;  // DEC_COND_LEN
constexpr double kTurboMinReferenceSeconds = 5.0;
constexpr double kTurboReferenceLufs = -27.0;

struct Conditionals {
  models::t3::T3Conditionals t3;
  models::s3gen::ReferenceEmbedding gen;
  // The variant the voice was made for (saved with it); unset when unknown (a published conds.pt).
  std::optional<Variant> variant;

  // A copy with emotion_adv = exaggeration (1, 1, 1).
  Conditionals with_exaggeration(double exaggeration) const;
  // A voice made for voice conversion has only the S3Gen part (t3 left empty).
  bool has_t3() const { return t3.speaker_emb.defined(); }
  // Throws kCorruptData when a tensor is missing or misshapen.
  void validate() const;
};

// ENC_COND_LEN and the T3 prompt length of a variant.
int64_t encoder_cond_samples(Variant variant);
int64_t t3_prompt_len(Variant variant);

// The models that turn reference audio into conditionals.
struct VoiceModels {
  models::s3gen::ReferenceEmbedder* embedder = nullptr;
  const voice_encoder::VoiceEncoder* voice_encoder = nullptr;  // unused for voice conversion
};

// The reference at both rates as the pipeline receives it (turbo: after loudness normalisation,
// full length, untrimmed) -> conditionals. wav24 and wav16 are (L,) float32.
Conditionals conditionals_from_clips(const torch::Tensor& wav24, const torch::Tensor& wav16,
                                     Variant variant, double exaggeration,
                                     const VoiceModels& models);

// Turbo and nano need a reference longer than kTurboMinReferenceSeconds: Error(kInvalidArgument)
// otherwise (front ends call it before they load a model; prepare_conditionals checks it too).
void check_reference_length(Variant variant, double seconds);

// prepare_conditionals: decoded audio at any rate -> 24 kHz (soxr HQ), turbo/nano: > 5 s check
// and loudness to -27 LUFS, 16 kHz from the full 24 kHz clip, then conditionals_from_clips.
// Voice conversion only needs the S3Gen part (t3 is left empty).
Conditionals prepare_conditionals(const dsp::Audio& reference, Variant variant, double exaggeration,
                                  const VoiceModels& models);
// Same from an encoded upload (WAV, FLAC, ...); decoding errors are dsp::read_audio_bytes's.
Conditionals prepare_conditionals_from_bytes(const std::string& bytes, Variant variant,
                                             double exaggeration, const VoiceModels& models,
                                             const dsp::AudioLimits& limits = {});

// A torch.save'd {"t3": {...}, "gen": {...}} (upstream Conditionals.save; CUDA-saved files load
// on the CPU). Token tensors stored as float are cast to int64.
Conditionals load_conds_pt(const std::string& path);
// Our own form: safetensors with "t3.*" / "gen.*" keys and the variant in the metadata, written
// atomically. A file without the variant (written before it was recorded) loads with it unset.
void save_conditionals(const std::string& path, const Conditionals& conds);
Conditionals load_conditionals(const std::string& path);
// Either form, by content (a safetensors file or a torch zip archive).
Conditionals load_conditionals_any(const std::string& path);

}  // namespace chatterbox::pipeline
