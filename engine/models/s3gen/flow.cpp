#include "engine/models/s3gen/flow.h"

#include <string>

#include "engine/common/error.h"
#include "engine/models/load_parameters.h"
#include "engine/models/s3gen/flow_masks.h"

namespace chatterbox::models::s3gen {

namespace {

constexpr int64_t kTokenDim = 512;
constexpr int64_t kXvectorDim = 192;
constexpr double kNormalizeEps = 1e-12;

// Row-broadcasts a (1, ...) tensor to batch B; a (B, ...) tensor passes through.
torch::Tensor to_batch(const torch::Tensor& t, int64_t batch, const char* name) {
  if (!t.defined() || t.dim() == 0)
    fail(ErrorCode::kInvalidArgument, std::string("flow input '") + name + "' is missing");
  if (t.size(0) == batch) return t;
  if (t.size(0) == 1) {
    auto sizes = t.sizes().vec();
    sizes[0] = batch;
    return t.expand(sizes);
  }
  fail(ErrorCode::kInvalidArgument, std::string("flow input '") + name + "' has batch " +
                                        std::to_string(t.size(0)) + ", expected 1 or " +
                                        std::to_string(batch));
}

struct BatchLayout {
  int64_t batch = 0;
  torch::Tensor tokens, token_lens;                // (B,N), (B,)
  torch::Tensor prompt_tokens, prompt_token_lens;  // (B,Tp), (B,)
  torch::Tensor prompt_feat, prompt_feat_lens;     // (B,Tm,80), (B,)
  torch::Tensor embedding;                         // (B,192)
};

torch::Tensor lengths_of(const torch::Tensor& t, int64_t batch, const char* name) {
  if (!t.defined())
    fail(ErrorCode::kInvalidArgument, std::string("flow input '") + name + "' is missing");
  return to_batch(t.reshape({-1}), batch, name).to(torch::kInt64);
}

// The inputs with batch B everywhere, ids and lengths as int64, all on `options`' device and
// the features in its dtype.
BatchLayout layout_of(const FlowInputs& in, const torch::TensorOptions& options) {
  if (!in.tokens.defined() || in.tokens.dim() != 2)
    fail(ErrorCode::kInvalidArgument, "flow tokens must be a (B, N) tensor");
  auto ids = options.dtype(torch::kInt64);
  BatchLayout b;
  b.batch = in.tokens.size(0);
  b.tokens = in.tokens.to(ids);
  b.token_lens = lengths_of(in.token_lens, b.batch, "token_lens").to(ids);
  b.prompt_tokens = to_batch(in.prompt_tokens, b.batch, "prompt_tokens").to(ids);
  if (b.prompt_tokens.dim() != 2)
    fail(ErrorCode::kInvalidArgument, "flow prompt_tokens must be (B, Tp)");
  b.prompt_token_lens = lengths_of(in.prompt_token_lens, b.batch, "prompt_token_lens").to(ids);
  b.prompt_feat = to_batch(in.prompt_feat, b.batch, "prompt_feat").to(options);
  if (b.prompt_feat.dim() != 3 || b.prompt_feat.size(2) != kMelBins)
    fail(ErrorCode::kInvalidArgument, "flow prompt_feat must be (B, Tm, 80)");
  b.prompt_feat_lens = in.prompt_feat_lens.defined()
                           ? lengths_of(in.prompt_feat_lens, b.batch, "prompt_feat_lens").to(ids)
                           : torch::full({b.batch}, b.prompt_feat.size(1), ids);
  b.embedding = to_batch(in.embedding, b.batch, "embedding").to(options);
  if (b.embedding.dim() != 2 || b.embedding.size(1) != kXvectorDim)
    fail(ErrorCode::kInvalidArgument, "flow embedding must be (B, 192)");
  auto too_long = (b.token_lens > b.tokens.size(1)) |
                  (b.prompt_token_lens > b.prompt_tokens.size(1)) |
                  (b.prompt_feat_lens > b.prompt_feat.size(1)) | (b.token_lens < 0) |
                  (b.prompt_token_lens < 0) | (b.prompt_feat_lens < 0);
  if (too_long.any().item<bool>())
    fail(ErrorCode::kInvalidArgument, "flow lengths must lie within their tensors");
  return b;
}

void check_token_ids(const torch::Tensor& ids, const torch::Tensor& lens, const char* name) {
  auto valid = valid_mask(lens, ids.size(1));
  auto bad = valid & ((ids < 0) | (ids >= kSpeechVocabSize));
  if (bad.any().item<bool>())
    fail(ErrorCode::kInvalidArgument, std::string("flow ") + name +
                                          " contain ids outside [0, 6561) (SOS/EOS must be "
                                          "removed before S3Gen)");
}

// Mel frames the decoder works on for `token_lens` prompt + generated tokens.
torch::Tensor decoded_mel_lengths(const torch::Tensor& token_lens, bool finalize) {
  auto frames = kTokenMelRatio * token_lens;
  return finalize ? frames : frames - kTokenMelRatio * kLookaheadTokens;
}

// src (B,S) gathered at idx (B or 1, L) clamped into [0, S), or zeros when S == 0.
torch::Tensor gather_clamped(const torch::Tensor& src, const torch::Tensor& idx, int64_t batch) {
  const int64_t len = idx.size(1);
  if (src.size(1) == 0) return torch::zeros({batch, len}, src.options());
  return src.gather(1, idx.clamp(0, src.size(1) - 1).expand({batch, len}));
}

// Row i = prompt_i[:Tp_i] ++ tokens_i[:N_i], zero-padded to the longest row.
torch::Tensor merge_prompt_and_tokens(const BatchLayout& b, const torch::Tensor& lens,
                                      int64_t max_len) {
  auto pos = torch::arange(max_len, lens.options()).unsqueeze(0);  // (1,L)
  auto tp = b.prompt_token_lens.unsqueeze(1);                      // (B,1)
  auto merged = torch::where(pos < tp, gather_clamped(b.prompt_tokens, pos, b.batch),
                             gather_clamped(b.tokens, pos - tp, b.batch));
  return merged.masked_fill(~valid_mask(lens, max_len), 0);
}

// (B,80,T): the prompt mel in each row's first Tm_i frames, zeros after.
torch::Tensor prompt_condition(const BatchLayout& b, int64_t frames, const torch::Tensor& like) {
  auto feat = b.prompt_feat.transpose(1, 2);  // (B,80,Tm)
  feat = feat * valid_mask(b.prompt_feat_lens, feat.size(2)).unsqueeze(1).to(like.dtype());
  auto cond = torch::zeros({b.batch, kMelBins, frames}, like.options());
  const int64_t tm = std::min(frames, feat.size(2));
  cond.slice(2, 0, tm).copy_(feat.slice(2, 0, tm));
  return cond;
}

torch::Tensor draw_normal(const std::optional<torch::Generator>& generator, c10::IntArrayRef shape,
                          const torch::TensorOptions& options) {
  // Drawn where the generator lives (e.g. a CPU generator for a CUDA model), then moved.
  if (generator)
    return torch::randn(shape, *generator, options.device(generator->device())).to(options);
  return torch::randn(shape, options);
}

torch::Tensor rows_of(const torch::Tensor& t, int64_t batch, int64_t min_frames, const char* name) {
  if (t.dim() != 3 || t.size(1) != kMelBins || t.size(2) < min_frames)
    fail(ErrorCode::kInvalidArgument, std::string("flow noise '") + name + "' must be (B, 80, >= " +
                                          std::to_string(min_frames) + ")");
  return to_batch(t, batch, name);
}

// The CFM start noise (B,80,T), with the meanflow noise over each row's generated frames.
torch::Tensor start_noise(const FlowNoise& noise, bool meanflow, const torch::Tensor& mel_lens,
                          const torch::Tensor& token_lens, int64_t frames,
                          const torch::TensorOptions& options) {
  const int64_t batch = mel_lens.size(0);
  const int64_t max_generated = kTokenMelRatio * token_lens.max().item<int64_t>();
  torch::Tensor generated;
  if (meanflow) {
    generated = noise.generated.defined()
                    ? noise.generated
                    : draw_normal(noise.generator, {batch, kMelBins, max_generated}, options);
    generated = rows_of(generated.to(options), batch, max_generated, "generated");
  }
  auto z = noise.z.defined() ? noise.z
                             : draw_normal(noise.generator, {batch, kMelBins, frames}, options);
  z = rows_of(z.to(options), batch, frames, "z").slice(2, 0, frames).clone();
  if (meanflow) {
    auto mel_len = mel_lens.cpu(), gen_len = (token_lens * kTokenMelRatio).cpu();
    for (int64_t i = 0; i < batch; ++i) {
      const int64_t end = mel_len[i].item<int64_t>(), n = gen_len[i].item<int64_t>();
      z[i].slice(1, end - n, end).copy_(generated[i].slice(1, 0, n));
    }
  }
  return z;
}

// Row i's frames [Tm_i, T_i), left-aligned in (B,80,max Tg), zero after.
torch::Tensor generated_part(const torch::Tensor& feat, const torch::Tensor& starts,
                             const torch::Tensor& lengths) {
  const int64_t batch = feat.size(0);
  auto start = starts.cpu(), len = lengths.cpu();
  auto out = torch::zeros({batch, feat.size(1), len.max().item<int64_t>()}, feat.options());
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t s = start[i].item<int64_t>(), n = len[i].item<int64_t>();
    out[i].slice(1, 0, n).copy_(feat[i].slice(1, s, s + n));
  }
  return out;
}

}  // namespace

FlowModelImpl::FlowModelImpl(bool meanflow) {
  input_embedding =
      register_module("input_embedding", torch::nn::Embedding(kSpeechVocabSize, kTokenDim));
  spk_embed_affine_layer =
      register_module("spk_embed_affine_layer", torch::nn::Linear(kXvectorDim, kMelBins));
  encoder = register_module("encoder", UpsampleConformerEncoder());
  encoder_proj = register_module("encoder_proj", torch::nn::Linear(kTokenDim, kMelBins));
  decoder = register_module("decoder", CausalCfm(meanflow));
}

Flow Flow::load(const io::StateDict& flow_weights, bool meanflow) {
  FlowModel model(meanflow);
  load_parameters(*model, flow_weights);
  model->eval();
  return Flow(std::move(model));
}

void Flow::to(const torch::Device& device) {
  model_->to(device);
}

void Flow::set_estimator_dtype(torch::ScalarType dtype) {
  model_->decoder->estimator()->to(dtype);
}

torch::ScalarType Flow::estimator_dtype() const {
  return model_->decoder->estimator()->dtype();
}

torch::Tensor Flow::generated_lengths(const FlowInputs& inputs) {
  auto b = layout_of(inputs, torch::TensorOptions(torch::kFloat32).device(inputs.tokens.device()));
  return decoded_mel_lengths(b.prompt_token_lens + b.token_lens, inputs.finalize) -
         b.prompt_feat_lens;
}

torch::Tensor Flow::inference(const FlowInputs& inputs, int64_t n_timesteps, const FlowNoise& noise,
                              EstimatorGraphs* graphs) const {
  c10::InferenceMode inference_mode;
  auto& m = *model_.ptr();  // forward passes are stateless; the holder is const here
  const auto& weight = m.input_embedding->weight;
  auto b = layout_of(inputs, weight.options());
  check_token_ids(b.tokens, b.token_lens, "tokens");
  check_token_ids(b.prompt_tokens, b.prompt_token_lens, "prompt tokens");
  if (n_timesteps < 1) fail(ErrorCode::kInvalidArgument, "flow needs at least one CFM step");

  auto lens = b.prompt_token_lens + b.token_lens;
  const int64_t max_len = lens.max().item<int64_t>();
  if (max_len < 1) fail(ErrorCode::kInvalidArgument, "flow got no tokens at all");
  auto ids = merge_prompt_and_tokens(b, lens, max_len);
  auto x = m.input_embedding(ids) * valid_mask(lens, max_len).unsqueeze(-1).to(weight.dtype());

  auto enc = m.encoder(x, lens);
  auto mel_lens = decoded_mel_lengths(lens, inputs.finalize);
  const int64_t frames = mel_lens.max().item<int64_t>();
  auto hidden = enc.hidden.slice(1, 0, frames);
  auto gen_lens = mel_lens - b.prompt_feat_lens;
  if ((gen_lens < 0).any().item<bool>() || frames < 1)
    fail(ErrorCode::kInvalidArgument, "flow prompt mel is longer than prompt + tokens allow");

  namespace F = torch::nn::functional;
  CfmInputs cfm;
  cfm.mu = m.encoder_proj(hidden).transpose(1, 2).contiguous();
  cfm.mask = valid_mask(mel_lens, frames).unsqueeze(1).to(weight.dtype());
  cfm.spks = m.spk_embed_affine_layer(
      F::normalize(b.embedding, F::NormalizeFuncOptions().dim(1).eps(kNormalizeEps)));
  cfm.cond = prompt_condition(b, frames, cfm.mu);
  cfm.z = start_noise(noise, meanflow(), mel_lens, b.token_lens, frames, cfm.mu.options());

  auto feat = m.decoder(cfm, n_timesteps, graphs);
  return generated_part(feat, b.prompt_feat_lens, gen_lens);
}

torch::Tensor Flow::inference(const torch::Tensor& tokens, const torch::Tensor& token_lens,
                              const torch::Tensor& prompt_token,
                              const torch::Tensor& prompt_token_len,
                              const torch::Tensor& prompt_feat, const torch::Tensor& embedding,
                              int64_t n_timesteps, const FlowNoise& noise) const {
  FlowInputs in;
  in.tokens = tokens;
  in.token_lens = token_lens;
  in.prompt_tokens = prompt_token;
  in.prompt_token_lens = prompt_token_len;
  in.prompt_feat = prompt_feat;
  in.embedding = embedding;
  return inference(in, n_timesteps, noise);
}

}  // namespace chatterbox::models::s3gen
