#pragma once
// HiFTGenerator, S3Gen's vocoder: 80-bin mel at 50 frames/s -> 24 kHz waveform (480 samples
// per frame). An F0 predictor drives a harmonic source (neural source-filter); the mel is
// upsampled 8 x 5 x 3 with the source fused in at each scale, and the last layer predicts a
// 16-point STFT (log-magnitude and phase) that an inverse STFT with hop 4 turns into audio.

#include <torch/torch.h>

#include <optional>
#include <vector>

#include "engine/dsp/hift_stft.h"
#include "engine/io/state_dict.h"
#include "engine/models/s3gen/f0_predictor.h"
#include "engine/models/s3gen/hift_layers.h"
#include "engine/models/s3gen/hift_resblock.h"
#include "engine/models/s3gen/sine_source.h"

namespace chatterbox::models::s3gen {

struct HiftConfig {
  int64_t in_channels = 80;
  int64_t base_channels = 512;
  std::vector<int64_t> upsample_rates{8, 5, 3};
  std::vector<int64_t> upsample_kernels{16, 11, 7};
  std::vector<int64_t> resblock_kernels{3, 7, 11};
  std::vector<int64_t> source_resblock_kernels{7, 7, 11};
  std::vector<int64_t> dilations{1, 3, 5};  // for every resblock and source resblock
  double lrelu_slope = 0.1;
  double audio_limit = 0.99;
  double max_magnitude = 100.0;
  dsp::HiftStftConfig stft{};
  SineGenConfig source{};

  // Output samples per mel frame: prod(upsample_rates) * hop = 480.
  int64_t samples_per_frame() const;
};

// The random inputs of one vocoder call. Each tensor left undefined is drawn from
// `generator` in upstream's order (phases, sine noise, then the source module's unused
// noise branch, drawn only to keep the generator's sequence aligned with upstream).
struct HiftNoise {
  torch::Tensor phase_uniform;  // (B, 9, 1), uniform [0, 1) (the golden's `rand` draw)
  torch::Tensor sine_noise;     // (B, 9, 480 T), standard normal
  std::optional<torch::Generator> generator;
  // Streaming: continue an earlier call's harmonic phases (see SinePhasePin), and report each
  // row's running phase at sample phase_report_at[i] ((B,) int64) in HiftOutput::phase_cycles,
  // to pin the next call with.
  SinePhasePin phase_pin;
  torch::Tensor phase_report_at;

  static HiftNoise from_generator(torch::Generator generator);
};

struct HiftOutput {
  torch::Tensor wav;           // (B, 480 T), clamped to +-audio_limit
  torch::Tensor source;        // (B, 1, 480 T): carry its tail as the next chunk's cache_source
  torch::Tensor phase_cycles;  // (B, 9, 1) float64 in [0, 1) when phase_report_at was given
};

class HiftGeneratorImpl : public torch::nn::Module {
 public:
  explicit HiftGeneratorImpl(HiftConfig config = {});

  // mel (B, 80, T) -> f0 per sample (B, 1, 480 T).
  torch::Tensor upsampled_f0(const torch::Tensor& mel);
  // f0 (B, 1, L) -> source (B, 1, L).
  torch::Tensor source(const torch::Tensor& f0, const SineGenDraws& draws,
                       const SinePhasePin& pin = {});
  // mel (B, 80, T), source (B, 1, 480 T) -> wav (B, 480 T).
  torch::Tensor decode(const torch::Tensor& mel, const torch::Tensor& source);

  const HiftConfig& config() const { return config_; }
  torch::Device device() const { return stft_window_.device(); }

 private:
  torch::Tensor fuse_scale(size_t scale, torch::Tensor x, const torch::Tensor& source_stft);

  HiftConfig config_;
  F0Predictor f0_predictor_{nullptr};
  SourceModule m_source_{nullptr};
  HiftConv1d conv_pre_{nullptr}, conv_post_{nullptr};
  torch::nn::ModuleList ups_, source_downs_, source_resblocks_, resblocks_;
  torch::Tensor stft_window_;
};
TORCH_MODULE(HiftGenerator);

// Mel frames on each side that one output sample depends on, rounded up.
constexpr int64_t kHiftContextFrames = 16;

class Hift {
 public:
  // `weights`: the vocoder's keys without their "mel2wav." prefix, weight norm unfolded as
  // stored (parametrizations.weight.original0/1, or legacy weight_g/weight_v).
  static Hift load(const io::StateDict& weights, HiftConfig config = {});

  // mel (B, 80, T) -> wav (B, 480 T) and the source. `cache_source` (B, 1, Lc), if given,
  // replaces the first Lc source samples (streaming continuity). Rows of a batch are
  // independent except that padded frames at a row's end colour the audio of its last frames:
  // kHiftContextFrames covers the decoder's receptive field (conv_pre 3 frames, the 8x stage's
  // resblocks ~7.5, the later stages ~2).
  HiftOutput inference(const torch::Tensor& mel, const HiftNoise& noise,
                       const torch::Tensor& cache_source = {}) const;

  void to(const torch::Device& device);
  torch::Device device() const;
  HiftGenerator& module() { return module_; }

 private:
  explicit Hift(HiftGenerator module) : module_(std::move(module)) {}
  SineGenDraws draws_for(const HiftNoise& noise, int64_t batch, int64_t length) const;

  HiftGenerator module_;
};

}  // namespace chatterbox::models::s3gen
