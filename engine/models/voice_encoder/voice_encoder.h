#pragma once
// The speaker encoder of Chatterbox (models/voice_encoder): a 3-layer LSTM over 40-band mel
// windows of 1.6 s, a ReLU projection to 256 values, L2-normalised; an utterance embedding is
// the normalised mean over its windows. Weights: ve.safetensors / ve.pt (16 tensors).
#include <torch/torch.h>

#include <vector>

#include "engine/io/state_dict.h"

namespace chatterbox::voice_encoder {

struct VoiceEncoderConfig {
  int64_t num_mels = 40;
  int64_t hidden_size = 256;
  int64_t embed_size = 256;
  int64_t num_layers = 3;
  int64_t partial_frames = 160;
  int sample_rate = 16000;
};

// The options of embeds_from_wavs, with the pipelines' values as defaults.
struct EmbedOptions {
  double trim_top_db = 20.0;  // <= 0 disables trimming
  double rate = 1.3;          // partial windows per second
  double min_coverage = 0.8;
  int64_t batch_size = 32;  // windows per LSTM call (bounds memory only)
};

struct LstmLayer {
  torch::Tensor weight_ih, weight_hh, bias_ih, bias_hh;  // PyTorch layout, gates i, f, g, o
};

class VoiceEncoder {
 public:
  // Reads lstm.{weight,bias}_{ih,hh}_l{0,1,2} and proj.{weight,bias}; similarity_* are unused.
  static VoiceEncoder load(const io::StateDict& weights, const VoiceEncoderConfig& config = {});

  // A copy whose weights live on `device` (inputs are moved there too).
  VoiceEncoder to(const torch::Device& device) const;
  torch::Device device() const { return proj_weight_.device(); }
  const VoiceEncoderConfig& config() const { return config_; }

  // (N, frames, num_mels) windows -> (N, embed_size) L2-normalised window embeddings.
  torch::Tensor embed_partials(const torch::Tensor& partial_mels) const;

  // Per-utterance (T_i, num_mels) mels -> (B, embed_size) utterance embeddings.
  torch::Tensor embed_mels(const std::vector<torch::Tensor>& mels,
                           const EmbedOptions& options = {}) const;

  // 16 kHz mono waveforms (N_i,) -> (B, embed_size): trim silence, mel, windows, LSTM.
  // Throws kInvalidArgument when an utterance is silent or too short after trimming.
  torch::Tensor embed_utterances(const std::vector<torch::Tensor>& wavs16,
                                 const EmbedOptions& options = {}) const;
  // One utterance -> (1, embed_size).
  torch::Tensor embed_utterance(const torch::Tensor& wav16, const EmbedOptions& options = {}) const;

  // The top layer's final hidden state for (N, T, num_mels) input, from a zero state.
  torch::Tensor lstm_last_hidden(const torch::Tensor& x) const;

 private:
  VoiceEncoderConfig config_;
  std::vector<LstmLayer> layers_;
  torch::Tensor proj_weight_, proj_bias_;
};

// One LSTM layer over (N, T, in) from a zero state; returns all hidden states (N, T, hidden).
torch::Tensor run_lstm_layer(const torch::Tensor& x, const LstmLayer& layer);

}  // namespace chatterbox::voice_encoder
