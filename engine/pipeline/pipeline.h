#pragma once
// One loaded model variant, text (or source speech) to a 24 kHz waveform: the five upstream
// pipelines (original English, multilingual, Turbo, Nano, voice conversion) with their defaults
// and post-processing. Models are loaded once; synthesize/convert may run concurrently.

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/common/variant.h"
#include "engine/io/state_dict.h"
#include "engine/models/s3gen/s3gen.h"
#include "engine/models/t3/t3_model.h"
#include "engine/models/voice_encoder/voice_encoder.h"
#include "engine/pipeline/conditionals.h"
#include "engine/pipeline/precision.h"
#include "engine/text/text_tokenizer.h"

namespace chatterbox::pipeline {

constexpr int64_t kSamplesPerToken = 960;
constexpr int64_t kSilenceToken = 4299;  // S3GEN_SIL
constexpr int64_t kStartSpeechToken = 6561;
constexpr int64_t kStopSpeechToken = 6562;

// Unset fields take the variant's upstream default (T3GenerationOptions::defaults_for). A field
// set for a variant that does not use it is refused (resolve_options).
struct SynthesisOptions {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<double> min_p;
  std::optional<int64_t> top_k;
  std::optional<double> repetition_penalty;
  std::optional<double> cfg_weight;
  std::optional<double> exaggeration;
  std::optional<uint64_t> seed;  // unset: a random seed
  std::optional<int64_t> max_new_tokens;
};

// The resolved values a synthesis runs with.
struct ResolvedOptions {
  models::t3::T3GenerationOptions t3;
  double exaggeration = 0.5;
  uint64_t seed = 0;
};

// Recorded randomness to replay (parity tests); whatever is undefined is drawn from the seed.
struct Draws {
  torch::Tensor sample_u;           // (n,) float64 uniforms of the T3 sampler, in order
  models::s3gen::S3GenNoise s3gen;  // its generator, if unset, is seeded from the request
};

// Called after each speech token T3 generates (count so far); return false to cancel.
using ProgressCallback = std::function<bool(int64_t tokens_generated)>;

struct PipelineLoadOptions {
  torch::Device device = torch::kCPU;
  std::string multilingual_t3 = "v2";
  // T3's precision wherever it is placed, and the flow estimator's on CUDA (precision.h). fp32
  // is exact to the reference.
  Precision precision = Precision::kFp32;
};

// The parts of a pipeline that can each live on their own device.
enum class Component { kT3, kFlow, kHift, kVoiceEncoder, kReference };
// "t3", "s3gen_flow", "hift", "voice_encoder", "reference" (S3Tokenizer and CAMPPlus).
const char* component_name(Component component);

// The weights of one variant, already in memory (a checkpoint directory's files, or pattern
// weights built for a parity check).
struct PipelineWeights {
  io::StateDict t3;     // empty for voice conversion
  io::StateDict s3gen;  // with its "flow.", "mel2wav.", "tokenizer.", "speaker_encoder." keys
  io::StateDict voice_encoder;                     // empty for voice conversion
  std::unique_ptr<text::TextTokenizer> tokenizer;  // null for voice conversion
  std::optional<Conditionals> builtin_voice;       // conds.pt, if shipped
};

struct SynthesisResult {
  torch::Tensor wav;            // (L,) float32 at 24 kHz, on the CPU
  torch::Tensor speech_tokens;  // (1, n) int64 as S3Gen received them
  torch::Tensor mel;            // (1, 80, T) the flow's output
  bool reached_stop = false;
  int64_t t3_samples = 0;  // tokens T3 sampled (one uniform each), the stop token included
};

// The variant's defaults filled in and validated, with no model loaded, so that every front end
// can check a request before it loads or runs anything. Throws Error(kInvalidArgument):
//  - "<option> does not apply to <variant>: <why>" for an option set that the variant does not
//    use (min_p, cfg_weight, exaggeration on turbo and nano; all but seed on vc);
//  - naming the option and its range for a bad value.
// Unset seed: a random one.
ResolvedOptions resolve_options(Variant variant, const SynthesisOptions& options);

// Only the multilingual variant takes a language (empty: none); its code must be supported.
// Throws Error(kInvalidArgument) ("language does not apply to <variant>: ...").
void check_language(Variant variant, const std::string& language);

// A voice made for another variant (Conditionals::variant) is refused, as is a voice-conversion
// voice (no T3 part) for text to speech: Error(kInvalidArgument) saying what to do.
void check_voice_for(Variant variant, const Conditionals& voice);

class Pipeline {
 public:
  // Finds the variant's files with io::locate_checkpoint and loads each model once.
  static std::unique_ptr<Pipeline> load(const std::string& checkpoint_dir, Variant variant,
                                        const PipelineLoadOptions& options = {});
  static std::unique_ptr<Pipeline> from_weights(Variant variant, PipelineWeights weights,
                                                const PipelineLoadOptions& options = {});

  Variant variant() const { return variant_; }
  int sample_rate() const { return kS3GenRate; }
  bool has_builtin_voice() const { return builtin_voice_.has_value(); }
  const Conditionals& builtin_voice() const;
  // The variant's punctuation normalisation, as synthesize applies it before tokenising.
  std::string normalize_text(const std::string& text) const;

  // resolve_options for this pipeline's variant.
  ResolvedOptions resolve(const SynthesisOptions& options) const;

  // A voice from reference audio (any rate, mono or multi-channel).
  Conditionals make_voice(const dsp::Audio& reference, double exaggeration = 0.5) const;
  Conditionals make_voice_from_bytes(const std::string& encoded, double exaggeration = 0.5) const;
  // From the reference at both rates as the pipeline would receive them (parity checks).
  Conditionals make_voice_from_clips(const torch::Tensor& wav24, const torch::Tensor& wav16,
                                     double exaggeration) const;

  // Text -> waveform. `voice` null: the built-in voice (kNotFound if there is none). Options,
  // language and voice are checked as resolve_options, check_language and check_voice_for do.
  SynthesisResult synthesize(const std::string& text, const std::string& language,
                             const Conditionals* voice, const SynthesisOptions& options,
                             const Draws& draws = {}, const ProgressCallback& progress = {}) const;

  // Voice conversion: 16 kHz source speech (L,) -> waveform in the target voice (null: built-in).
  SynthesisResult convert(const torch::Tensor& source16, const Conditionals* target,
                          const Draws& draws = {}, std::optional<uint64_t> seed = {}) const;

  // The parts this variant has, and where each lives. place() moves one part (T3 is rebuilt
  // from the weights kept since loading); on failure it throws and the part stays where it was.
  std::vector<Component> components() const;
  torch::Device device_of(Component component) const;
  void place(Component component, const torch::Device& device);
  // The dtype a part computes in (T3's and, on CUDA, the flow estimator's follow the precision
  // and the device; the rest: float32).
  torch::ScalarType dtype_of(Component component) const;
  // dtype_of's name, and T3's int8 weights where it has them ("float32, int8 weights").
  std::string dtype_name_of(Component component) const;

  // What the engine (runtime/) drives: the models and synthesize()'s request preparation.
  const std::shared_ptr<const models::t3::T3Model>& t3() const { return t3_; }
  const models::s3gen::S3Gen& s3gen() const { return *s3gen_; }
  // Normalised and tokenised text as T3 takes it, (1, N) int64 on T3's device.
  torch::Tensor text_tokens(const std::string& text, const std::string& language) const;
  // The voice a text request speaks in (null: the built-in one) with the exaggeration set;
  // kInvalidArgument for a voice without a T3 part (made for voice conversion).
  Conditionals request_voice(const Conditionals* voice, double exaggeration) const;
  // Its T3 part on T3's device.
  models::t3::T3Conditionals t3_conditionals(const Conditionals& voice) const;
  // S3 tokens (1, n) of 16 kHz source speech (L,), for voice conversion.
  torch::Tensor source_tokens(const torch::Tensor& source16) const;

  // S3Gen alone: speech tokens (1, n) + voice -> waveform with the trim fade.
  SynthesisResult vocode(const torch::Tensor& speech_tokens, const Conditionals& voice,
                         const Draws& draws, uint64_t seed) const;

 private:
  Pipeline() = default;
  VoiceModels voice_models() const;
  torch::Tensor speech_tokens_for_s3gen(const torch::Tensor& generated) const;

  Variant variant_ = Variant::kOriginal;
  std::shared_ptr<const models::t3::T3Model> t3_;
  io::StateDict t3_weights_;  // kept to rebuild T3 on another device
  Precision precision_ = Precision::kFp32;
  std::unique_ptr<models::s3gen::S3Gen> s3gen_;
  std::unique_ptr<voice_encoder::VoiceEncoder> voice_encoder_;
  std::unique_ptr<text::TextTokenizer> tokenizer_;
  std::optional<Conditionals> builtin_voice_;
};

// upstream drop_invalid_tokens, then only ids < 6561. tokens (1, n) or (n,) -> (1, m) int64.
torch::Tensor drop_invalid_tokens(const torch::Tensor& tokens);

}  // namespace chatterbox::pipeline
