#include "engine/models/voice_encoder/voice_encoder.h"

#include "engine/common/error.h"
#include "engine/dsp/trim_silence.h"
#include "engine/dsp/ve_mel.h"
#include "engine/models/voice_encoder/partials.h"

namespace chatterbox::voice_encoder {
namespace {

torch::Tensor l2_normalize_rows(const torch::Tensor& x) {
  return x / x.norm(2, {1}, /*keepdim=*/true);
}

}  // namespace

torch::Tensor run_lstm_layer(const torch::Tensor& x, const LstmLayer& layer) {
  namespace F = torch::nn::functional;
  const int64_t batch = x.size(0), steps = x.size(1);
  const int64_t hidden = layer.weight_hh.size(1);
  // Input projections for all steps at once; the recurrent part per step, added the way
  // PyTorch's CPU cell does: (h W_hh^T + b_hh) + (x W_ih^T + b_ih).
  const torch::Tensor input_gates = torch::linear(x, layer.weight_ih, layer.bias_ih);
  torch::Tensor h = torch::zeros({batch, hidden}, x.options());
  torch::Tensor c = torch::zeros({batch, hidden}, x.options());
  std::vector<torch::Tensor> outputs;
  outputs.reserve(static_cast<size_t>(steps));
  for (int64_t t = 0; t < steps; ++t) {
    const torch::Tensor gates =
        torch::linear(h, layer.weight_hh, layer.bias_hh).add_(input_gates.select(1, t));
    const auto g = gates.chunk(4, 1);
    c = torch::sigmoid(g[1]) * c + torch::sigmoid(g[0]) * torch::tanh(g[2]);
    h = torch::sigmoid(g[3]) * torch::tanh(c);
    outputs.push_back(h);
  }
  return torch::stack(outputs, 1);
}

VoiceEncoder VoiceEncoder::load(const io::StateDict& weights, const VoiceEncoderConfig& config) {
  VoiceEncoder ve;
  ve.config_ = config;
  const int64_t gates = 4 * config.hidden_size;
  for (int64_t l = 0; l < config.num_layers; ++l) {
    const std::string s = "_l" + std::to_string(l);
    const int64_t in = l == 0 ? config.num_mels : config.hidden_size;
    LstmLayer layer;
    layer.weight_ih = weights.get("lstm.weight_ih" + s, {gates, in});
    layer.weight_hh = weights.get("lstm.weight_hh" + s, {gates, config.hidden_size});
    layer.bias_ih = weights.get("lstm.bias_ih" + s, {gates});
    layer.bias_hh = weights.get("lstm.bias_hh" + s, {gates});
    ve.layers_.push_back(layer);
  }
  ve.proj_weight_ = weights.get("proj.weight", {config.embed_size, config.hidden_size});
  ve.proj_bias_ = weights.get("proj.bias", {config.embed_size});
  for (auto* t : {&ve.proj_weight_, &ve.proj_bias_}) *t = t->to(torch::kFloat32).contiguous();
  for (auto& layer : ve.layers_) {
    for (auto* t : {&layer.weight_ih, &layer.weight_hh, &layer.bias_ih, &layer.bias_hh}) {
      *t = t->to(torch::kFloat32).contiguous();
    }
  }
  return ve;
}

VoiceEncoder VoiceEncoder::to(const torch::Device& device) const {
  VoiceEncoder moved = *this;
  for (auto& layer : moved.layers_) {
    for (auto* t : {&layer.weight_ih, &layer.weight_hh, &layer.bias_ih, &layer.bias_hh}) {
      *t = t->to(device);
    }
  }
  moved.proj_weight_ = proj_weight_.to(device);
  moved.proj_bias_ = proj_bias_.to(device);
  return moved;
}

torch::Tensor VoiceEncoder::lstm_last_hidden(const torch::Tensor& x) const {
  torch::Tensor out = x;
  for (const LstmLayer& layer : layers_) out = run_lstm_layer(out, layer);
  return out.select(1, out.size(1) - 1);
}

torch::Tensor VoiceEncoder::embed_partials(const torch::Tensor& partial_mels) const {
  torch::NoGradGuard no_grad;
  if (partial_mels.dim() != 3 || partial_mels.size(2) != config_.num_mels) {
    fail(ErrorCode::kInvalidArgument,
         "VoiceEncoder expects (N, frames, " + std::to_string(config_.num_mels) + ") mel windows");
  }
  const torch::Tensor x = partial_mels.to(device(), torch::kFloat32);
  const torch::Tensor projected =
      torch::relu(torch::linear(lstm_last_hidden(x), proj_weight_, proj_bias_));
  return l2_normalize_rows(projected);
}

torch::Tensor VoiceEncoder::embed_mels(const std::vector<torch::Tensor>& mels,
                                       const EmbedOptions& options) const {
  torch::NoGradGuard no_grad;
  if (mels.empty()) fail(ErrorCode::kInvalidArgument, "no utterances to embed");
  const int64_t window = config_.partial_frames;
  const int64_t step = partial_step(options.rate, config_.sample_rate, window);
  std::vector<torch::Tensor> windows;
  std::vector<int64_t> counts;
  for (const torch::Tensor& mel : mels) {
    const PartialPlan plan = plan_partials(mel.size(0), step, window, options.min_coverage);
    windows.push_back(cut_partials(mel.to(device(), torch::kFloat32), plan));
    counts.push_back(plan.count);
  }
  const torch::Tensor all = torch::cat(windows, 0);
  std::vector<torch::Tensor> embeds;
  const int64_t batch = std::max<int64_t>(1, options.batch_size);
  for (int64_t start = 0; start < all.size(0); start += batch) {
    embeds.push_back(embed_partials(all.narrow(0, start, std::min(batch, all.size(0) - start))));
  }
  const torch::Tensor partial_embeds = torch::cat(embeds, 0);
  std::vector<torch::Tensor> utterances;
  int64_t offset = 0;
  for (int64_t count : counts) {
    utterances.push_back(partial_embeds.narrow(0, offset, count).mean(0));
    offset += count;
  }
  return l2_normalize_rows(torch::stack(utterances, 0));
}

torch::Tensor VoiceEncoder::embed_utterances(const std::vector<torch::Tensor>& wavs16,
                                             const EmbedOptions& options) const {
  std::vector<torch::Tensor> mels;
  dsp::TrimOptions trim;
  trim.top_db = options.trim_top_db;
  for (const torch::Tensor& wav : wavs16) {
    if (wav.dim() != 1) fail(ErrorCode::kInvalidArgument, "VoiceEncoder expects mono (N,) audio");
    const torch::Tensor input = wav.to(torch::kFloat32);
    // Digital silence would pass the relative trim untouched and embed to noise; refuse it.
    if (input.numel() == 0 || input.abs().max().item<float>() < 1e-5f) {
      fail(ErrorCode::kInvalidArgument, "the reference audio is silent; no voice to embed");
    }
    const torch::Tensor kept = options.trim_top_db > 0 ? dsp::trim_silence(input, trim) : input;
    mels.push_back(dsp::ve_mel_spectrogram(kept));
  }
  return embed_mels(mels, options);
}

torch::Tensor VoiceEncoder::embed_utterance(const torch::Tensor& wav16,
                                            const EmbedOptions& options) const {
  return embed_utterances({wav16}, options);
}

}  // namespace chatterbox::voice_encoder
