#include "engine/pipeline/pipeline.h"

#include <cmath>
#include <random>

#include "engine/common/error.h"
#include "engine/io/checkpoint_dir.h"
#include "engine/log/log.h"
#include "engine/sampling/sampler.h"
#include "engine/text/languages.h"

namespace chatterbox::pipeline {
namespace {

text::TextVariant text_variant_of(Variant variant) {
  switch (variant) {
    case Variant::kMultilingual:
      return text::TextVariant::kMultilingual;
    case Variant::kTurbo:
    case Variant::kNano:
      return text::TextVariant::kTurbo;
    default:
      return text::TextVariant::kOriginal;
  }
}

uint64_t random_seed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

}  // namespace

torch::Tensor drop_invalid_tokens(const torch::Tensor& tokens) {
  torch::Tensor row = tokens.reshape({-1}).to(torch::kCPU).to(torch::kLong);
  const auto start = (row == kStartSpeechToken).nonzero();
  if (start.size(0) > 0) row = row.slice(0, start[0].item<int64_t>() + 1);
  const auto stop = (row == kStopSpeechToken).nonzero();
  if (stop.size(0) > 0) row = row.slice(0, 0, stop[0].item<int64_t>());
  row = row.index({row < models::s3gen::kSpeechVocabSize});
  return row.reshape({1, -1});
}

std::unique_ptr<Pipeline> Pipeline::load(const std::string& checkpoint_dir, Variant variant,
                                         const PipelineLoadOptions& options) {
  io::CheckpointOptions checkpoint_options;
  checkpoint_options.multilingual_t3 = options.multilingual_t3;
  const io::CheckpointFiles files =
      io::locate_checkpoint(checkpoint_dir, variant, checkpoint_options);
  PipelineWeights weights;
  weights.s3gen = io::StateDict::load(files.s3gen);
  if (variant != Variant::kVoiceConversion) {
    weights.t3 = io::StateDict::load(files.t3);
    weights.voice_encoder = io::StateDict::load(files.voice_encoder);
    const std::string tokenizer_dir = files.tokenizer_format == io::TokenizerFormat::kGpt2Files
                                          ? files.tokenizer
                                          : directory_of(files.tokenizer);
    weights.tokenizer = text::load_text_tokenizer(text_variant_of(variant), tokenizer_dir);
  }
  if (!files.conds.empty()) weights.builtin_voice = load_conds_pt(files.conds);
  if (files.pattern_model)
    log::warn(checkpoint_dir + " is a pattern model: its weights are patterns, its audio noise");
  return from_weights(variant, std::move(weights), options);
}

std::unique_ptr<Pipeline> Pipeline::from_weights(Variant variant, PipelineWeights weights,
                                                 const PipelineLoadOptions& options) {
  std::unique_ptr<Pipeline> pipeline(new Pipeline());
  pipeline->variant_ = variant;
  pipeline->s3gen_ = models::s3gen::S3Gen::load(weights.s3gen, is_turbo_family(variant));
  pipeline->s3gen_->to(options.device);
  pipeline->s3gen_->set_flow_estimator_dtype(
      flow_estimator_dtype(options.precision, options.device));
  pipeline->precision_ = options.precision;
  if (variant != Variant::kVoiceConversion) {
    models::t3::T3LoadOptions t3_options;
    t3_options.device = options.device;
    t3_options.dtype = t3_dtype(options.precision, options.device);
    t3_options.int8_rows = t3_int8_rows(options.precision);
    pipeline->t3_ = models::t3::T3Model::load(variant_name(variant), weights.t3, t3_options);
    pipeline->t3_weights_ = std::move(weights.t3);
    pipeline->voice_encoder_ = std::make_unique<voice_encoder::VoiceEncoder>(
        voice_encoder::VoiceEncoder::load(weights.voice_encoder).to(options.device));
    if (!weights.tokenizer)
      fail(ErrorCode::kInvalidArgument,
           std::string("the ") + variant_name(variant) + " pipeline needs a text tokenizer");
    pipeline->tokenizer_ = std::move(weights.tokenizer);
  }
  pipeline->builtin_voice_ = std::move(weights.builtin_voice);
  return pipeline;
}

const char* component_name(Component component) {
  switch (component) {
    case Component::kT3:
      return "t3";
    case Component::kFlow:
      return "s3gen_flow";
    case Component::kHift:
      return "hift";
    case Component::kVoiceEncoder:
      return "voice_encoder";
    case Component::kReference:
      return "reference";
  }
  return "?";
}

std::vector<Component> Pipeline::components() const {
  if (!t3_) return {Component::kFlow, Component::kHift, Component::kReference};
  return {Component::kT3, Component::kFlow, Component::kHift, Component::kVoiceEncoder,
          Component::kReference};
}

torch::Device Pipeline::device_of(Component component) const {
  switch (component) {
    case Component::kT3:
      return t3_ ? t3_->device() : torch::Device(torch::kCPU);
    case Component::kFlow:
      return s3gen_->device();
    case Component::kHift:
      return s3gen_->hift_device();
    case Component::kVoiceEncoder:
      return voice_encoder_ ? voice_encoder_->device() : torch::Device(torch::kCPU);
    case Component::kReference:
      return s3gen_->reference_device();
  }
  return torch::kCPU;
}

void Pipeline::place(Component component, const torch::Device& device) {
  switch (component) {
    case Component::kT3: {
      if (!t3_) return;
      models::t3::T3LoadOptions options;
      options.device = device;
      options.dtype = t3_dtype(precision_, device);
      options.int8_rows = t3_int8_rows(precision_);
      t3_ = models::t3::T3Model::load(variant_name(variant_), t3_weights_, options);
      return;
    }
    case Component::kFlow:
      s3gen_->place_flow(device);
      return s3gen_->set_flow_estimator_dtype(flow_estimator_dtype(precision_, device));
    case Component::kHift:
      return s3gen_->place_hift(device);
    case Component::kVoiceEncoder:
      if (voice_encoder_)
        voice_encoder_ = std::make_unique<voice_encoder::VoiceEncoder>(voice_encoder_->to(device));
      return;
    case Component::kReference:
      return s3gen_->place_reference(device);
  }
}

torch::ScalarType Pipeline::dtype_of(Component component) const {
  if (component == Component::kT3 && t3_) return t3_->dtype();
  if (component == Component::kFlow) return s3gen_->flow_estimator_dtype();
  return torch::kFloat32;
}

std::string Pipeline::dtype_name_of(Component component) const {
  std::string name = dtype_name(dtype_of(component));
  if (component == Component::kT3 && t3_ && t3_int8_rows(precision_)) name += ", int8 weights";
  return name;
}

const Conditionals& Pipeline::builtin_voice() const {
  if (!builtin_voice_)
    fail(ErrorCode::kNotFound, "this checkpoint has no built-in voice (conds.pt): give a voice");
  return *builtin_voice_;
}

std::string Pipeline::normalize_text(const std::string& text) const {
  if (!tokenizer_) fail(ErrorCode::kInvalidArgument, "voice conversion does not synthesise text");
  return tokenizer_->normalize(text);
}

namespace {

[[noreturn]] void does_not_apply(const char* option, Variant variant, const std::string& why) {
  fail(ErrorCode::kInvalidArgument,
       std::string(option) + " does not apply to " + variant_name(variant) + ": " + why);
}

}  // namespace

ResolvedOptions resolve_options(Variant variant, const SynthesisOptions& options) {
  ResolvedOptions r;
  r.seed = options.seed ? *options.seed : random_seed();
  if (variant == Variant::kVoiceConversion) {
    const std::string why = "voice conversion has no T3 (it takes only a seed)";
    if (options.temperature) does_not_apply("temperature", variant, why);
    if (options.top_p) does_not_apply("top_p", variant, why);
    if (options.min_p) does_not_apply("min_p", variant, why);
    if (options.top_k) does_not_apply("top_k", variant, why);
    if (options.repetition_penalty) does_not_apply("repetition_penalty", variant, why);
    if (options.cfg_weight) does_not_apply("cfg_weight", variant, why);
    if (options.exaggeration) does_not_apply("exaggeration", variant, why);
    if (options.max_new_tokens) does_not_apply("max_new_tokens", variant, why);
    return r;
  }
  if (is_turbo_family(variant)) {
    // Upstream's turbo generate() takes these and ignores them; here they are refused.
    if (options.min_p)
      does_not_apply("min_p", variant, "its GPT-2 sampler has no min-p step (upstream ignores it)");
    if (options.cfg_weight)
      does_not_apply("cfg_weight", variant,
                     "its T3 runs without classifier-free guidance (upstream ignores it)");
    if (options.exaggeration)
      does_not_apply("exaggeration", variant, "its T3 has no emotion input (upstream ignores it)");
  }
  const models::t3::T3Config config = models::t3::T3Config::by_name(variant_name(variant));
  r.t3 = models::t3::T3GenerationOptions::defaults_for(config);
  r.exaggeration = is_turbo_family(variant) ? 0.0 : 0.5;
  if (options.temperature) r.t3.sampling.temperature = *options.temperature;
  if (options.top_p) r.t3.sampling.top_p = *options.top_p;
  if (options.min_p) r.t3.sampling.min_p = *options.min_p;
  if (options.top_k) r.t3.sampling.top_k = *options.top_k;
  if (options.repetition_penalty) r.t3.sampling.repetition_penalty = *options.repetition_penalty;
  if (options.cfg_weight) r.t3.cfg_weight = *options.cfg_weight;
  if (options.max_new_tokens) r.t3.max_new_tokens = *options.max_new_tokens;
  if (options.exaggeration) r.exaggeration = *options.exaggeration;
  if (!std::isfinite(r.exaggeration) || r.exaggeration < 0)
    fail(ErrorCode::kInvalidArgument,
         "exaggeration must be a finite number >= 0, got " + std::to_string(r.exaggeration));
  r.t3.validate(config);
  return r;
}

void check_language(Variant variant, const std::string& language) {
  if (language.empty()) return;
  if (variant != Variant::kMultilingual)
    does_not_apply("language", variant, "only the multilingual variant takes a language");
  text::canonical_language(language);  // throws, listing the supported codes
}

void check_voice_for(Variant variant, const Conditionals& voice) {
  if (voice.variant && *voice.variant != variant)
    fail(ErrorCode::kInvalidArgument,
         std::string("this voice was made for ") + variant_name(*voice.variant) + ", not for " +
             variant_name(variant) + ": make it again with --variant " + variant_name(variant));
  if (variant != Variant::kVoiceConversion && !voice.has_t3())
    fail(ErrorCode::kInvalidArgument,
         "this voice was made for voice conversion: it has no T3 conditioning; make it again "
         "with a text-to-speech variant");
}

ResolvedOptions Pipeline::resolve(const SynthesisOptions& options) const {
  return resolve_options(variant_, options);
}

VoiceModels Pipeline::voice_models() const {
  return VoiceModels{&s3gen_->reference_embedder(), voice_encoder_.get()};
}

Conditionals Pipeline::make_voice(const dsp::Audio& reference, double exaggeration) const {
  std::lock_guard<std::mutex> lock(s3gen_->reference_mutex());
  torch::NoGradGuard no_grad;
  return prepare_conditionals(reference, variant_, exaggeration, voice_models());
}

Conditionals Pipeline::make_voice_from_bytes(const std::string& encoded,
                                             double exaggeration) const {
  return make_voice(dsp::read_audio_bytes(encoded), exaggeration);
}

Conditionals Pipeline::make_voice_from_clips(const torch::Tensor& wav24, const torch::Tensor& wav16,
                                             double exaggeration) const {
  std::lock_guard<std::mutex> lock(s3gen_->reference_mutex());
  torch::NoGradGuard no_grad;
  return conditionals_from_clips(wav24, wav16, variant_, exaggeration, voice_models());
}

torch::Tensor Pipeline::speech_tokens_for_s3gen(const torch::Tensor& generated) const {
  if (!is_turbo_family(variant_)) return drop_invalid_tokens(generated);
  // Turbo/Nano only drop ids >= 6561 (no start/stop handling), then append three silences.
  torch::Tensor row = generated.reshape({-1}).to(torch::kCPU).to(torch::kLong);
  row = row.index({row < models::s3gen::kSpeechVocabSize});
  return torch::cat({row, torch::full({3}, kSilenceToken, torch::kLong)}).reshape({1, -1});
}

SynthesisResult Pipeline::synthesize(const std::string& text, const std::string& language,
                                     const Conditionals* voice, const SynthesisOptions& options,
                                     const Draws& draws, const ProgressCallback& progress) const {
  if (!t3_) fail(ErrorCode::kInvalidArgument, "voice conversion does not synthesise text");
  if (text.empty()) fail(ErrorCode::kInvalidArgument, "the text is empty");
  const ResolvedOptions resolved = resolve(options);
  const Conditionals conds = request_voice(voice, resolved.exaggeration);
  torch::NoGradGuard no_grad;

  const torch::Tensor text_tokens = this->text_tokens(text, language);
  std::unique_ptr<sampling::UniformSource> uniforms;
  if (draws.sample_u.defined())
    uniforms = std::make_unique<sampling::InjectedUniforms>(draws.sample_u);
  else
    uniforms = std::make_unique<sampling::GeneratorUniforms>(resolved.seed);
  int64_t generated = 0;
  models::t3::SpeechTokenCallback on_token;
  if (progress) on_token = [&](int64_t) { return progress(++generated); };
  const models::t3::T3Generation generation =
      t3_->generate(t3_conditionals(conds), text_tokens, resolved.t3, *uniforms, on_token);

  SynthesisResult result =
      vocode(speech_tokens_for_s3gen(generation.tokens), conds, draws, resolved.seed + 1);
  result.reached_stop = generation.reached_stop;
  result.t3_samples = generation.tokens.size(1) + (generation.reached_stop ? 1 : 0);
  if (variant_ == Variant::kMultilingual) {
    // Upstream drops the audio of the last speech token.
    const int64_t n = drop_invalid_tokens(generation.tokens).size(1);
    const int64_t keep = std::max<int64_t>(1, n - 1) * kSamplesPerToken;
    result.wav = result.wav.slice(0, 0, std::min<int64_t>(keep, result.wav.size(0)));
  }
  return result;
}

torch::Tensor Pipeline::text_tokens(const std::string& text, const std::string& language) const {
  if (!tokenizer_) fail(ErrorCode::kInvalidArgument, "voice conversion does not synthesise text");
  check_language(variant_, language);
  return tokenizer_->text_to_tokens(text, language).to(t3_->device());
}

Conditionals Pipeline::request_voice(const Conditionals* voice, double exaggeration) const {
  const Conditionals& base_voice = voice ? *voice : builtin_voice();
  check_voice_for(variant_, base_voice);
  if (!base_voice.has_t3())
    fail(ErrorCode::kInvalidArgument,
         "this voice was made for voice conversion: it has no T3 conditioning; make it again "
         "with a text-to-speech variant");
  return base_voice.with_exaggeration(exaggeration);
}

models::t3::T3Conditionals Pipeline::t3_conditionals(const Conditionals& voice) const {
  const auto on_t3 = [&](const torch::Tensor& t) { return t.defined() ? t.to(t3_->device()) : t; };
  models::t3::T3Conditionals cond = voice.t3;
  cond.speaker_emb = on_t3(cond.speaker_emb);
  cond.cond_prompt_speech_tokens = on_t3(cond.cond_prompt_speech_tokens);
  cond.emotion_adv = on_t3(cond.emotion_adv);
  return cond;
}

torch::Tensor Pipeline::source_tokens(const torch::Tensor& source16) const {
  if (!source16.defined() || source16.numel() == 0)
    fail(ErrorCode::kInvalidArgument, "the source audio is empty");
  return s3gen_->tokenize(source16.reshape({1, -1})).tokens.to(torch::kCPU);
}

SynthesisResult Pipeline::vocode(const torch::Tensor& speech_tokens, const Conditionals& voice,
                                 const Draws& draws, uint64_t seed) const {
  models::s3gen::S3GenNoise noise = draws.s3gen;
  if (!noise.generator) noise.generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const models::s3gen::S3GenOutput decoded =
      s3gen_->inference(speech_tokens, torch::Tensor(), voice.gen, noise);
  SynthesisResult result;
  result.wav = decoded.wav.reshape({-1}).to(torch::kCPU);
  result.mel = decoded.mel.to(torch::kCPU);
  result.speech_tokens = speech_tokens;
  return result;
}

SynthesisResult Pipeline::convert(const torch::Tensor& source16, const Conditionals* target,
                                  const Draws& draws, std::optional<uint64_t> seed) const {
  const Conditionals& voice = target ? *target : builtin_voice();
  check_voice_for(variant_, voice);
  return vocode(source_tokens(source16), voice, draws, seed ? *seed : random_seed());
}

}  // namespace chatterbox::pipeline
