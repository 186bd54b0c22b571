#include "engine/models/s3gen/hift.h"

#include <set>
#include <string>

#include "engine/common/error.h"
#include "engine/models/load_parameters.h"
#include "engine/models/s3gen/weight_norm.h"

namespace chatterbox::models::s3gen {
namespace {

constexpr double kFinalLeakySlope = 0.01;  // F.leaky_relu's default, after the last scale
const char* const kWindowBuffer = "stft_window";

template <typename Layer>
torch::Tensor run_layer(const torch::nn::ModuleList& list, size_t index, const torch::Tensor& x) {
  return list->ptr<Layer>(index)->forward(x);
}

// Keys of `weights` that no parameter of `module` reads: a layout the port does not know.
std::vector<std::string> unused_keys(torch::nn::Module& module, const io::StateDict& weights) {
  std::set<std::string> used;
  for (const auto& item : module.named_parameters(true)) used.insert(item.key());
  std::vector<std::string> unused;
  for (const auto& key : weights.keys())
    if (!used.count(key)) unused.push_back(key);
  return unused;
}

}  // namespace

int64_t HiftConfig::samples_per_frame() const {
  int64_t samples = stft.hop;
  for (int64_t rate : upsample_rates) samples *= rate;
  return samples;
}

HiftNoise HiftNoise::from_generator(torch::Generator generator) {
  HiftNoise noise;
  noise.generator = std::move(generator);
  return noise;
}

HiftGeneratorImpl::HiftGeneratorImpl(HiftConfig config) : config_(std::move(config)) {
  const int64_t scales = static_cast<int64_t>(config_.upsample_rates.size());
  const int64_t stft_channels = 2 * config_.stft.bins();
  f0_predictor_ = register_module("f0_predictor", F0Predictor(config_.in_channels));
  m_source_ = register_module("m_source", SourceModule(config_.source));
  conv_pre_ = register_module(
      "conv_pre", HiftConv1d(config_.in_channels, config_.base_channels, 7, ConvGeometry{1, 3, 1}));
  // Source branch: the source STFT (hop 4) is strided down to each scale's rate, coarsest
  // first: the cumulative products of the reversed upsample rates, e.g. 15, 3, 1.
  std::vector<int64_t> down_rates(scales, 1);
  for (int64_t i = scales - 2; i >= 0; --i)
    down_rates[i] = down_rates[i + 1] * config_.upsample_rates[i + 1];
  for (int64_t i = 0; i < scales; ++i) {
    const int64_t in = config_.base_channels >> i;
    const int64_t out = config_.base_channels >> (i + 1);
    const int64_t rate = config_.upsample_rates[i], kernel = config_.upsample_kernels[i];
    ups_->push_back(HiftConvTranspose1d(in, out, kernel, rate, (kernel - rate) / 2));
    const int64_t down = down_rates[i];
    source_downs_->push_back(
        down == 1 ? HiftConv1d(stft_channels, out, 1)
                  : HiftConv1d(stft_channels, out, 2 * down, ConvGeometry{down, down / 2, 1}));
    source_resblocks_->push_back(
        HiftResBlock(out, config_.source_resblock_kernels[i], config_.dilations));
    for (int64_t kernel_size : config_.resblock_kernels)
      resblocks_->push_back(HiftResBlock(out, kernel_size, config_.dilations));
  }
  register_module("ups", ups_);
  register_module("source_downs", source_downs_);
  register_module("source_resblocks", source_resblocks_);
  register_module("resblocks", resblocks_);
  const int64_t last_channels = config_.base_channels >> scales;
  conv_post_ = register_module("conv_post",
                               HiftConv1d(last_channels, stft_channels, 7, ConvGeometry{1, 3, 1}));
  stft_window_ = register_buffer(kWindowBuffer, dsp::scipy_periodic_hann(config_.stft.n_fft));
}

torch::Tensor HiftGeneratorImpl::upsampled_f0(const torch::Tensor& mel) {
  const torch::Tensor f0 = f0_predictor_->forward(mel).unsqueeze(1);  // (B, 1, T)
  const int64_t factor = config_.samples_per_frame();
  const std::vector<int64_t> size{f0.size(-1) * factor};
  return torch::upsample_nearest1d(f0, c10::IntArrayRef(size),
                                   c10::optional<double>(static_cast<double>(factor)));
}

torch::Tensor HiftGeneratorImpl::source(const torch::Tensor& f0, const SineGenDraws& draws,
                                        const SinePhasePin& pin) {
  return m_source_->forward(f0, draws, pin);
}

torch::Tensor HiftGeneratorImpl::fuse_scale(size_t scale, torch::Tensor x,
                                            const torch::Tensor& source_stft) {
  x = torch::leaky_relu(x, config_.lrelu_slope);
  x = run_layer<HiftConvTranspose1dImpl>(ups_, scale, x);
  if (scale + 1 == ups_->size()) x = torch::reflection_pad1d(x, {1, 0});

  torch::Tensor source_part = run_layer<HiftConv1dImpl>(source_downs_, scale, source_stft);
  source_part = run_layer<HiftResBlockImpl>(source_resblocks_, scale, source_part);
  x = x + source_part;

  const size_t kernels = config_.resblock_kernels.size();
  torch::Tensor sum = run_layer<HiftResBlockImpl>(resblocks_, scale * kernels, x);
  for (size_t j = 1; j < kernels; ++j)
    sum += run_layer<HiftResBlockImpl>(resblocks_, scale * kernels + j, x);
  return sum / static_cast<int64_t>(kernels);
}

torch::Tensor HiftGeneratorImpl::decode(const torch::Tensor& mel, const torch::Tensor& source) {
  const torch::Tensor source_stft =
      dsp::stft_real_imag(source.squeeze(1), stft_window_, config_.stft);
  torch::Tensor x = conv_pre_->forward(mel);
  for (size_t scale = 0; scale < ups_->size(); ++scale) x = fuse_scale(scale, x, source_stft);
  x = conv_post_->forward(torch::leaky_relu(x, kFinalLeakySlope));

  const int64_t bins = config_.stft.bins();
  const torch::Tensor magnitude =
      torch::clamp_max(torch::exp(x.slice(1, 0, bins)), config_.max_magnitude);
  const torch::Tensor phase = torch::sin(x.slice(1, bins));  // sin() is upstream's, kept on purpose
  const torch::Tensor wav = dsp::istft_polar(magnitude, phase, stft_window_, config_.stft);
  return torch::clamp(wav, -config_.audio_limit, config_.audio_limit);
}

Hift Hift::load(const io::StateDict& weights, HiftConfig config) {
  HiftGenerator module(std::move(config));
  const io::StateDict folded = fold_weight_norms(weights);
  load_parameters(*module, folded, {kWindowBuffer});
  const auto unused = unused_keys(*module, folded);
  if (!unused.empty())
    fail(ErrorCode::kCorruptData, weights.origin() + ": HiFT does not know the key " + unused[0] +
                                      " (" + std::to_string(unused.size()) + " unknown keys)");
  module->eval();
  return Hift(module);
}

SineGenDraws Hift::draws_for(const HiftNoise& noise, int64_t batch, int64_t length) const {
  SineGenDraws draws{noise.phase_uniform, noise.sine_noise};
  if (draws.phase_uniform.defined() && draws.noise.defined()) return draws;
  if (!noise.generator)
    fail(ErrorCode::kInvalidArgument, "HiFT needs a generator or injected phase and noise draws");
  const torch::Generator& generator = *noise.generator;
  const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(generator.device());
  const int64_t harmonics = module_->config().source.harmonics;
  if (!draws.phase_uniform.defined())
    draws.phase_uniform = torch::rand({batch, harmonics, 1}, generator, options);
  if (!draws.noise.defined()) {
    draws.noise = torch::randn({batch, harmonics, length}, generator, options);
    // Upstream's source module also draws a noise branch it never uses; draw it too so a
    // seeded generator walks the same sequence as upstream.
    torch::randn({batch, length, 1}, generator, options);
  }
  return draws;
}

HiftOutput Hift::inference(const torch::Tensor& mel, const HiftNoise& noise,
                           const torch::Tensor& cache_source) const {
  torch::NoGradGuard no_grad;
  HiftGeneratorImpl& generator = *module_.ptr();
  const auto& config = generator.config();
  if (mel.dim() != 3 || mel.size(1) != config.in_channels)
    fail(ErrorCode::kInvalidArgument, "HiFT expects a mel of shape (B, " +
                                          std::to_string(config.in_channels) + ", T), got " +
                                          c10::str(mel.sizes()));
  const torch::Tensor f0 = generator.upsampled_f0(mel);
  torch::Tensor source =
      generator.source(f0, draws_for(noise, mel.size(0), f0.size(-1)), noise.phase_pin);
  if (cache_source.defined() && cache_source.size(-1) > 0) {
    if (cache_source.dim() != 3 || cache_source.size(0) != mel.size(0) ||
        cache_source.size(1) != 1 || cache_source.size(2) > source.size(2))
      fail(ErrorCode::kInvalidArgument, "cache_source must be (B, 1, Lc) with Lc <= 480 T, got " +
                                            c10::str(cache_source.sizes()));
    source.slice(2, 0, cache_source.size(2)).copy_(cache_source);
  }
  HiftOutput out{generator.decode(mel, source), source, torch::Tensor()};
  if (noise.phase_report_at.defined()) {
    const int64_t batch = mel.size(0);
    const torch::Tensor at = noise.phase_report_at.to(f0.device(), torch::kInt64);
    if (at.numel() != batch || (at < 0).any().item<bool>() ||
        (at >= f0.size(-1)).any().item<bool>())
      fail(ErrorCode::kInvalidArgument, "HiFT phase report needs one sample per row within 480 T");
    const torch::Tensor cycles = harmonic_cycles(f0, config.source, noise.phase_pin);
    const int64_t harmonics = cycles.size(1);
    out.phase_cycles = torch::remainder(
        cycles.gather(2, at.reshape({batch, 1, 1}).expand({batch, harmonics, 1})), 1.0);
  }
  return out;
}

void Hift::to(const torch::Device& device) {
  module_->to(device);
}

torch::Device Hift::device() const {
  return module_->device();
}

}  // namespace chatterbox::models::s3gen
