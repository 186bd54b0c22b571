#include "engine/models/s3gen/s3tokenizer.h"

#include <algorithm>
#include <string>

#include "engine/common/error.h"
#include "engine/models/load_parameters.h"

namespace chatterbox::models::s3gen {
namespace {

struct Segment {
  int64_t item;   // batch index it belongs to
  bool windowed;  // part of a long utterance
  torch::Tensor mel;
  int64_t frames;
};

std::vector<int64_t> to_vector(const torch::Tensor& codes) {
  torch::Tensor cpu = codes.to(torch::kCPU, torch::kInt64).contiguous();
  return std::vector<int64_t>(cpu.data_ptr<int64_t>(), cpu.data_ptr<int64_t>() + cpu.numel());
}

}  // namespace

std::pair<torch::Tensor, torch::Tensor> pad_mels(const std::vector<torch::Tensor>& mels) {
  if (mels.empty()) fail(ErrorCode::kInvalidArgument, "S3 tokenizer: no audio given");
  int64_t longest = 0;
  std::vector<int64_t> lengths;
  for (const auto& m : mels) {
    lengths.push_back(m.size(-1));
    longest = std::max(longest, m.size(-1));
  }
  torch::Tensor batch = torch::zeros({static_cast<int64_t>(mels.size()), mels[0].size(0), longest},
                                     mels[0].options());
  for (size_t i = 0; i < mels.size(); ++i) batch[i].slice(-1, 0, lengths[i]).copy_(mels[i]);
  return {batch, torch::tensor(lengths, torch::kInt64).to(mels[0].device())};
}

std::vector<int64_t> merge_windowed_tokens(const std::vector<std::vector<int64_t>>& windows,
                                           int64_t drop) {
  std::vector<int64_t> merged;
  for (size_t i = 0; i < windows.size(); ++i) {
    const auto& w = windows[i];
    const int64_t n = static_cast<int64_t>(w.size());
    const int64_t begin = i == 0 ? 0 : drop;
    const int64_t end = i + 1 == windows.size() ? n : n - drop;
    for (int64_t j = std::max<int64_t>(begin, 0); j < std::min(end, n); ++j) merged.push_back(w[j]);
  }
  return merged;
}

S3TokenizerImpl::S3TokenizerImpl(S3EncoderConfig config) {
  encoder_ = register_module("encoder", S3Encoder(config));
  quantizer_ = register_module("quantizer", FsqQuantizer(config.n_state));
  eval();
}

void S3TokenizerImpl::load(const io::StateDict& weights) {
  std::vector<std::string> skip;
  for (const auto& name : S3EncoderImpl::computed_buffer_names()) skip.push_back("encoder." + name);
  load_parameters(*this, weights, skip);
  std::optional<torch::Tensor> filters, window;
  if (weights.contains("_mel_filters"))
    filters = weights.get("_mel_filters", {dsp::S3LogMel::kMels, dsp::S3LogMel::kFft / 2 + 1});
  if (weights.contains("window")) window = weights.get("window", {dsp::S3LogMel::kFft});
  log_mel_ = dsp::S3LogMel(filters, window);
}

torch::Device S3TokenizerImpl::device() const {
  return parameters().front().device();
}

SpeechTokens S3TokenizerImpl::forward(const std::vector<torch::Tensor>& wavs,
                                      std::optional<int64_t> max_len) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> mels;
  for (const auto& wav : wavs) {
    torch::Tensor mel = log_mel(wav.dim() == 2 ? wav.squeeze(0) : wav);  // (128, T)
    if (max_len) mel = mel.slice(-1, 0, std::min(mel.size(-1), *max_len * kS3MelFramesPerToken));
    mels.push_back(mel);
  }
  auto [mel, lengths] = pad_mels(mels);
  return quantize(mel, lengths);
}

SpeechTokens S3TokenizerImpl::forward(const torch::Tensor& wavs, std::optional<int64_t> max_len) {
  if (wavs.dim() == 1) return forward(std::vector<torch::Tensor>{wavs}, max_len);
  if (wavs.dim() != 2) fail(ErrorCode::kInvalidArgument, "S3 tokenizer: expected audio (B, L)");
  std::vector<torch::Tensor> rows;
  for (int64_t b = 0; b < wavs.size(0); ++b) rows.push_back(wavs[b]);
  return forward(rows, max_len);
}

S3EncoderOutput S3TokenizerImpl::encode(const torch::Tensor& mel,
                                        const torch::Tensor& mel_lengths) {
  torch::NoGradGuard no_grad;
  return encoder_->forward(mel, mel_lengths);
}

SpeechTokens S3TokenizerImpl::quantize(const torch::Tensor& mel, const torch::Tensor& mel_lengths) {
  torch::NoGradGuard no_grad;
  if ((mel_lengths > kWindowFrames).any().item<bool>()) return quantize_windowed(mel, mel_lengths);
  S3EncoderOutput out = encoder_->forward(mel, mel_lengths);
  return {quantizer_->forward(out.hidden), out.lengths};
}

// Every utterance becomes one or more segments of at most kWindowFrames frames, each padded to
// kWindowFrames; all segments run as one batch, and long utterances' windows are merged.
SpeechTokens S3TokenizerImpl::quantize_windowed(const torch::Tensor& mel,
                                                const torch::Tensor& mel_lengths) {
  std::vector<Segment> segments;
  const auto lengths = to_vector(mel_lengths);
  for (int64_t b = 0; b < static_cast<int64_t>(lengths.size()); ++b) {
    const int64_t length = lengths[b];
    const bool windowed = length > kWindowFrames;
    for (int64_t start = 0; start == 0 || (windowed && start < length);
         start += kWindowStrideFrames) {
      const int64_t end = std::min(start + kWindowFrames, length);
      torch::Tensor part = mel[b].slice(-1, start, end);
      part = torch::constant_pad_nd(part, {0, kWindowFrames - (end - start)}, 0.0);
      segments.push_back({b, windowed, part, end - start});
    }
  }
  std::vector<torch::Tensor> parts;
  std::vector<int64_t> frames;
  for (const auto& s : segments) {
    parts.push_back(s.mel);
    frames.push_back(s.frames);
  }
  S3EncoderOutput out =
      encoder_->forward(torch::stack(parts), torch::tensor(frames).to(mel.device()));
  torch::Tensor codes = quantizer_->forward(out.hidden);
  const auto code_lengths = to_vector(out.lengths);

  std::vector<std::vector<std::vector<int64_t>>> per_item(lengths.size());
  for (size_t i = 0; i < segments.size(); ++i)
    per_item[segments[i].item].push_back(to_vector(codes[i].slice(0, 0, code_lengths[i])));
  std::vector<std::vector<int64_t>> merged(lengths.size());
  int64_t longest = 0;
  for (size_t b = 0; b < lengths.size(); ++b) {
    merged[b] = per_item[b].size() == 1 && lengths[b] <= kWindowFrames
                    ? per_item[b][0]
                    : merge_windowed_tokens(per_item[b], kMergeDropTokens);
    longest = std::max<int64_t>(longest, merged[b].size());
  }
  auto options = torch::TensorOptions().dtype(torch::kInt64);
  torch::Tensor tokens = torch::zeros({static_cast<int64_t>(lengths.size()), longest}, options);
  torch::Tensor token_lengths = torch::zeros({static_cast<int64_t>(lengths.size())}, options);
  for (size_t b = 0; b < merged.size(); ++b) {
    const int64_t n = merged[b].size();
    if (n > 0) tokens[b].slice(0, 0, n).copy_(torch::tensor(merged[b], options));
    token_lengths[b] = n;
  }
  return {tokens.to(mel.device()), token_lengths.to(mel.device())};
}

}  // namespace chatterbox::models::s3gen
