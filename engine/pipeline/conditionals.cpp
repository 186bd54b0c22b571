#include "engine/pipeline/conditionals.h"

#include <cmath>
#include <cstdio>
#include <map>

#include "engine/common/error.h"
#include "engine/dsp/loudness.h"
#include "engine/dsp/resample_soxr.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_archive.h"
#include "engine/log/log.h"

namespace chatterbox::pipeline {
namespace {

torch::Tensor as_int64(const torch::Tensor& t) {
  return t.defined() ? t.to(torch::kCPU).to(torch::kLong) : t;
}

torch::Tensor as_float(const torch::Tensor& t) {
  return t.defined() ? t.to(torch::kCPU).to(torch::kFloat) : t;
}

void require(bool ok, const std::string& what) {
  if (!ok) fail(ErrorCode::kCorruptData, "conditionals: " + what);
}

Conditionals from_named(const std::map<std::string, torch::Tensor>& named,
                        const std::string& origin) {
  auto get = [&](const std::string& key) {
    auto it = named.find(key);
    if (it == named.end())
      fail(ErrorCode::kCorruptData, origin + ": conditionals lack '" + key + "'");
    return it->second;
  };
  auto get_optional = [&](const std::string& key) {
    auto it = named.find(key);
    return it == named.end() ? torch::Tensor() : it->second;
  };
  Conditionals conds;
  conds.t3.speaker_emb = as_float(get_optional("t3.speaker_emb"));  // absent: a vc-only voice
  conds.t3.cond_prompt_speech_tokens = as_int64(get_optional("t3.cond_prompt_speech_tokens"));
  conds.t3.emotion_adv = as_float(get_optional("t3.emotion_adv"));
  conds.gen.prompt_token = as_int64(get("gen.prompt_token"));
  conds.gen.prompt_feat = as_float(get("gen.prompt_feat"));
  conds.gen.embedding = as_float(get("gen.embedding"));
  torch::Tensor len = get_optional("gen.prompt_token_len");
  conds.gen.prompt_token_len = len.defined()
                                   ? as_int64(len).reshape({-1})
                                   : torch::full({conds.gen.prompt_token.size(0)},
                                                 conds.gen.prompt_token.size(-1), torch::kLong);
  try {
    conds.validate();
  } catch (const Error& e) {
    fail(ErrorCode::kCorruptData, origin + ": " + e.what());
  }
  return conds;
}

bool starts_with_zip_magic(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) fail(ErrorCode::kNotFound, "cannot open conditionals file " + path);
  unsigned char magic[2] = {0, 0};
  const size_t n = std::fread(magic, 1, 2, file);
  std::fclose(file);
  return n == 2 && magic[0] == 'P' && magic[1] == 'K';
}

}  // namespace

Conditionals Conditionals::with_exaggeration(double exaggeration) const {
  Conditionals copy = *this;
  const auto options = t3.speaker_emb.defined() ? t3.speaker_emb.options()
                                                : torch::TensorOptions().dtype(torch::kFloat);
  copy.t3.emotion_adv = torch::full({1, 1, 1}, exaggeration, options.dtype(torch::kFloat));
  return copy;
}

void Conditionals::validate() const {
  require(!t3.speaker_emb.defined() || (t3.speaker_emb.dim() == 2 && t3.speaker_emb.size(1) == 256),
          "t3.speaker_emb must be (1, 256)");
  require(!t3.cond_prompt_speech_tokens.defined() || t3.cond_prompt_speech_tokens.dim() == 2,
          "t3.cond_prompt_speech_tokens must be (1, P)");
  require(gen.prompt_token.defined() && gen.prompt_token.dim() == 2,
          "gen.prompt_token must be (1, T)");
  require(gen.prompt_feat.defined() && gen.prompt_feat.dim() == 3 && gen.prompt_feat.size(2) == 80,
          "gen.prompt_feat must be (1, 2T, 80)");
  require(gen.embedding.defined() && gen.embedding.dim() == 2 && gen.embedding.size(1) == 192,
          "gen.embedding must be (1, 192)");
  require(
      gen.prompt_token_len.defined() && gen.prompt_token_len.numel() == gen.prompt_token.size(0),
      "gen.prompt_token_len must hold one length per row");
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

Conditionals load_conds_pt(const std::string& path) {
  const c10::IValue archive = io::read_torch_archive(path);
  std::map<std::string, torch::Tensor> named;
  for (auto& [key, tensor] : io::flatten_tensors(archive)) named[key] = tensor;
  return from_named(named, path);
}

void save_conditionals(const std::string& path, const Conditionals& conds) {
  conds.validate();
  io::NamedTensors tensors = {
      {"gen.prompt_token", conds.gen.prompt_token},
      {"gen.prompt_token_len", conds.gen.prompt_token_len},
      {"gen.prompt_feat", conds.gen.prompt_feat},
      {"gen.embedding", conds.gen.embedding},
  };
  if (conds.t3.speaker_emb.defined()) tensors.push_back({"t3.speaker_emb", conds.t3.speaker_emb});
  if (conds.t3.cond_prompt_speech_tokens.defined())
    tensors.push_back({"t3.cond_prompt_speech_tokens", conds.t3.cond_prompt_speech_tokens});
  if (conds.t3.emotion_adv.defined()) tensors.push_back({"t3.emotion_adv", conds.t3.emotion_adv});
  std::map<std::string, std::string> metadata = {{"format", "chatterbox-conditionals"},
                                                 {"version", "1"}};
  if (conds.variant) metadata["variant"] = variant_name(*conds.variant);
  io::save_safetensors(path, tensors, metadata);
}

Conditionals load_conditionals(const std::string& path) {
  const auto file = io::SafetensorsFile::open(path);
  std::map<std::string, torch::Tensor> named;
  for (const auto& key : file.keys()) named[key] = file.tensor(key).clone();
  Conditionals conds = from_named(named, path);
  const auto& metadata = file.metadata();
  const auto variant = metadata.find("variant");
  if (variant != metadata.end()) {
    try {
      conds.variant = parse_variant(variant->second);
    } catch (const Error& e) {
      fail(ErrorCode::kCorruptData, path + ": the voice names an unknown variant: " + e.what());
    }
  }
  return conds;
}

Conditionals load_conditionals_any(const std::string& path) {
  return starts_with_zip_magic(path) ? load_conds_pt(path) : load_conditionals(path);
}

}  // namespace chatterbox::pipeline
