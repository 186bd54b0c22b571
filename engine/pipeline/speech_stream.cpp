#include "engine/pipeline/speech_stream.h"

#include <cmath>
#include <map>
#include <string>
#include <tuple>

#include "engine/common/error.h"
#include "engine/models/s3gen/flow.h"
#include "engine/models/s3gen/speech_tokens.h"
#include "engine/models/s3gen/trim_fade.h"

namespace chatterbox::pipeline {
namespace {

namespace s3 = models::s3gen;

constexpr int64_t kSilence = 4299;  // S3GEN_SIL
constexpr int64_t kStop = 6562;     // T3's stop-speech token
constexpr int64_t kSamplesPerFrame = 480;
constexpr int64_t kHarmonics = 9;
constexpr int64_t kDroppedFrames = s3::kTokenMelRatio * SpeechStream::kLookaheadTokens;

int64_t first_value(const torch::Tensor& t, int64_t fallback) {
  return t.defined() && t.numel() > 0 ? t.reshape({-1})[0].item<int64_t>() : fallback;
}

// Raised-cosine fade of `length` samples: the new chunk's weight; the held tail gets 1 - it.
torch::Tensor fade_in(int64_t length) {
  auto i = torch::arange(length, torch::kFloat64) + 0.5;
  return (0.5 - 0.5 * torch::cos(i * (M_PI / static_cast<double>(length)))).to(torch::kFloat32);
}

// `piece` (L,) placed at output sample `start`: the part inside the trim fade is faded.
torch::Tensor faded(torch::Tensor piece, int64_t start) {
  const int64_t fade_end = 2 * s3::kTrimFadeSamples;
  if (start >= fade_end || piece.numel() == 0) return piece;
  const int64_t n = std::min<int64_t>(fade_end - start, piece.numel());
  piece = piece.clone();
  piece.slice(0, 0, n).mul_(s3::trim_fade_window().slice(0, start, start + n));
  return piece;
}

}  // namespace

SpeechStream::SpeechStream(const s3::ReferenceEmbedding& ref, uint64_t seed, bool turbo_family,
                           StreamSchedule schedule)
    : turbo_(turbo_family), schedule_(schedule), draws_(seed) {
  if (schedule_.first_chunk_tokens < 1 ||
      schedule_.max_chunk_tokens < schedule_.first_chunk_tokens || schedule_.growth < 1 ||
      schedule_.growth > StreamSchedule::kMaxGrowth)
    fail(ErrorCode::kInvalidArgument,
         "stream schedule needs 1 <= first_chunk_tokens <= max_chunk_tokens and a growth of 1 "
         "to " +
             std::to_string(StreamSchedule::kMaxGrowth));
  if (!ref.prompt_token.defined() || !ref.prompt_feat.defined() || !ref.embedding.defined() ||
      ref.prompt_token.dim() != 2 || ref.prompt_token.size(0) != 1 || ref.prompt_feat.dim() != 3 ||
      ref.prompt_feat.size(0) != 1)
    fail(ErrorCode::kInvalidArgument, "a speech stream needs one voice's S3Gen conditioning");
  prompt_tokens_ = first_value(ref.prompt_token_len, ref.prompt_token.size(1));
  if (prompt_tokens_ < kLookaheadTokens || prompt_tokens_ > ref.prompt_token.size(1))
    fail(ErrorCode::kInvalidArgument, "a speech stream needs a voice prompt of at least " +
                                          std::to_string(kLookaheadTokens) + " tokens");
  ref_.prompt_token = ref.prompt_token.slice(1, 0, prompt_tokens_).to(torch::kCPU, torch::kLong);
  ref_.prompt_token_len = torch::tensor({prompt_tokens_}, torch::kLong);
  ref_.prompt_feat = ref.prompt_feat.to(torch::kCPU, torch::kFloat32);
  ref_.embedding = ref.embedding.to(torch::kCPU, torch::kFloat32).reshape({1, -1});
  prompt_frames_ = ref_.prompt_feat.size(1);
}

void SpeechStream::append(const std::vector<int64_t>& speech_tokens) {
  if (finished_) fail(ErrorCode::kInvalidArgument, "speech tokens appended after finish()");
  for (int64_t id : speech_tokens) {
    if (id < 0) fail(ErrorCode::kInvalidArgument, "negative speech token id");
    if (stopped_) continue;
    if (id == kStop && !turbo_) {
      stopped_ = true;
      continue;
    }
    if (id < s3::kSpeechVocabSize) tokens_.push_back(id);
  }
}

void SpeechStream::finish() {
  if (finished_) return;
  finished_ = true;
  if (turbo_) tokens_.insert(tokens_.end(), 3, kSilence);
  if (tokens_.empty()) done_ = true;
}

StreamSchedule StreamSchedule::whole() {
  // Longer than any segment can be (T3's context holds a few thousand tokens), and small enough
  // that hop + look-ahead cannot overflow.
  constexpr int64_t kUnbounded = int64_t{1} << 40;
  return StreamSchedule{kUnbounded, kUnbounded, 1};
}

int64_t SpeechStream::hop() const {
  int64_t hop = schedule_.first_chunk_tokens;
  for (int64_t k = 0; k < chunks_ && hop < schedule_.max_chunk_tokens; ++k) hop *= schedule_.growth;
  return std::min(hop, schedule_.max_chunk_tokens);
}

SpeechStream::Plan SpeechStream::plan() const {
  const int64_t remaining = tokens() - token_offset_;
  const int64_t h = hop();
  Plan p;
  // Final only when no chunk of this hop with its look-ahead could be cut: the same chunks
  // come out whether finish() arrived before or after the tokens were decoded.
  if (finished_ && remaining < h + kLookaheadTokens) {
    p.final = true;
    p.token_end = p.flow_tokens = tokens();
  } else {
    p.token_end = token_offset_ + h;
    p.flow_tokens = p.token_end + kLookaheadTokens;
  }
  return p;
}

int64_t SpeechStream::next_chunk_tokens() const {
  return plan().token_end - token_offset_;
}

bool SpeechStream::chunk_ready() const {
  if (done_) return false;
  return finished_ || tokens() - token_offset_ >= hop() + kLookaheadTokens;
}

std::vector<torch::Tensor> decode_next_chunks(const s3::S3Gen& s3gen,
                                              const std::vector<SpeechStream*>& streams,
                                              s3::EstimatorGraphs* graphs) {
  const int64_t batch = static_cast<int64_t>(streams.size());
  if (batch == 0) return {};
  for (const SpeechStream* s : streams) {
    if (s == nullptr || !s->chunk_ready())
      fail(ErrorCode::kInvalidArgument, "decode_next_chunks: a stream has no chunk ready");
    if (s->prompt_tokens() != streams[0]->prompt_tokens())
      fail(ErrorCode::kInvalidArgument,
           "decode_next_chunks: streams of one batch must share their prompt length");
  }
  const int64_t tp = streams[0]->prompt_tokens();
  std::vector<SpeechStream::Plan> plans;
  for (const SpeechStream* s : streams) plans.push_back(s->plan());

  // The flow: one batch for the chunks that continue, one for the final ones.
  std::vector<torch::Tensor> new_mel(batch);  // (80, n) frames not yet vocoded
  for (bool final : {false, true}) {
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < batch; ++i)
      if (plans[i].final == final) rows.push_back(i);
    if (rows.empty()) continue;
    const int64_t b = static_cast<int64_t>(rows.size());
    int64_t max_tokens = 0, max_prompt_frames = 0;
    for (int64_t i : rows) {
      max_tokens = std::max(max_tokens, plans[i].flow_tokens);
      max_prompt_frames = std::max(max_prompt_frames, streams[i]->prompt_frames_);
    }
    s3::FlowInputs in;
    in.finalize = final;
    in.tokens = torch::zeros({b, max_tokens}, torch::kLong);
    in.token_lens = torch::zeros({b}, torch::kLong);
    in.prompt_feat = torch::zeros({b, max_prompt_frames, s3::kMelBins});
    in.prompt_feat_lens = torch::zeros({b}, torch::kLong);
    in.prompt_token_lens = torch::full({b}, tp, torch::kLong);
    std::vector<torch::Tensor> prompts, embeddings;
    const int64_t max_frames = s3::kTokenMelRatio * (tp + max_tokens);
    s3::FlowNoise noise;
    noise.z = torch::zeros({b, s3::kMelBins, max_frames});
    noise.generated = torch::zeros({b, s3::kMelBins, s3::kTokenMelRatio * max_tokens});
    // Meanflow overwrites the last 2N decoded frames with `generated`; give it the buffer's own
    // values there, so every frame's noise is the buffer's whatever finalize says.
    const int64_t generated_from = s3::kTokenMelRatio * tp - (final ? 0 : kDroppedFrames);
    for (int64_t j = 0; j < b; ++j) {
      SpeechStream& s = *streams[rows[j]];
      const int64_t n = plans[rows[j]].flow_tokens;
      in.tokens[j].slice(0, 0, n).copy_(
          torch::tensor(std::vector<int64_t>(s.tokens_.begin(), s.tokens_.begin() + n)));
      in.token_lens[j] = n;
      in.prompt_feat[j].slice(0, 0, s.prompt_frames_).copy_(s.ref_.prompt_feat[0]);
      in.prompt_feat_lens[j] = s.prompt_frames_;
      prompts.push_back(s.ref_.prompt_token);
      embeddings.push_back(s.ref_.embedding);
      const int64_t frames = s3::kTokenMelRatio * (tp + n);
      const torch::Tensor z = s.draws_.flow_noise(frames);
      noise.z[j].slice(1, 0, frames).copy_(z[0]);
      noise.generated[j]
          .slice(1, 0, s3::kTokenMelRatio * n)
          .copy_(z[0].slice(1, generated_from, generated_from + s3::kTokenMelRatio * n));
    }
    in.prompt_tokens = torch::cat(prompts, 0);
    in.embedding = torch::cat(embeddings, 0);
    const torch::Tensor mel = s3gen.flow_chunk(in, noise, 0, graphs).to(torch::kCPU);
    for (int64_t j = 0; j < b; ++j) {
      const SpeechStream& s = *streams[rows[j]];
      const int64_t generated = s3::kTokenMelRatio * (tp + plans[rows[j]].flow_tokens) -
                                s.prompt_frames_ - (final ? 0 : kDroppedFrames);
      const int64_t start = s.frames_vocoded_;
      new_mel[rows[j]] = mel[j].slice(1, start, std::max(start, generated));
    }
  }

  // The vocoder: one call per (context length, final) group; final chunks, which have no
  // filler, also group by length so that no batch padding touches their last frames.
  std::vector<torch::Tensor> wav(batch), source(batch), cycles(batch);
  std::map<std::tuple<int64_t, bool, int64_t>, std::vector<int64_t>> groups;
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t n = new_mel[i].size(1);
    if (n == 0) continue;
    const int64_t c = streams[i]->mel_history_.defined() ? streams[i]->mel_history_.size(1) : 0;
    groups[{c, plans[i].final, plans[i].final ? n : 0}].push_back(i);
  }
  for (const auto& [key, rows] : groups) {
    const int64_t c = std::get<0>(key);
    const bool final = std::get<1>(key);
    const int64_t b = static_cast<int64_t>(rows.size());
    const int64_t filler = final ? 0 : SpeechStream::kFillerFrames;
    int64_t max_frames = 0;
    for (int64_t i : rows) max_frames = std::max(max_frames, c + new_mel[i].size(1) + filler);
    torch::Tensor mel = torch::zeros({b, s3::kMelBins, max_frames});
    s3::HiftNoise noise;
    noise.sine_noise = torch::zeros({b, kHarmonics, kSamplesPerFrame * max_frames});
    torch::Tensor cache;
    std::vector<torch::Tensor> phases, caches, pins;
    noise.phase_report_at = torch::zeros({b}, torch::kLong);
    for (int64_t j = 0; j < b; ++j) {
      SpeechStream& s = *streams[rows[j]];
      const torch::Tensor& fresh = new_mel[rows[j]];
      const int64_t n = fresh.size(1);
      if (c > 0) mel[j].slice(1, 0, c).copy_(s.mel_history_);
      mel[j].slice(1, c, c + n).copy_(fresh);
      if (filler > 0)
        mel[j].slice(1, c + n, c + n + filler).copy_(fresh.slice(1, n - 1, n).expand({-1, filler}));
      noise.sine_noise[j]
          .slice(1, kSamplesPerFrame * c, kSamplesPerFrame * (c + n))
          .copy_(s.draws_.next_sine_noise(n)[0]);
      phases.push_back(s.draws_.phase_uniform());
      noise.phase_report_at[j] = kSamplesPerFrame * (c + n) - 1;
      if (c > 0) {
        caches.push_back(s.source_history_.unsqueeze(0));
        pins.push_back(s.phase_cycles_);
      }
    }
    noise.phase_uniform = torch::cat(phases, 0);
    if (c > 0) {
      cache = torch::cat(caches, 0);
      noise.phase_pin.cycles = torch::cat(pins, 0);
      noise.phase_pin.at = torch::full({b}, kSamplesPerFrame * c - 1, torch::kLong);
    }
    const s3::HiftOutput out = s3gen.hift_chunk(mel, noise, cache);
    const torch::Tensor out_wav = out.wav.to(torch::kCPU);
    const torch::Tensor out_source = out.source.to(torch::kCPU);
    const torch::Tensor out_cycles = out.phase_cycles.to(torch::kCPU);
    for (int64_t j = 0; j < b; ++j) {
      const int64_t samples = kSamplesPerFrame * (c + new_mel[rows[j]].size(1));
      wav[rows[j]] = out_wav[j].slice(0, 0, samples);
      source[rows[j]] = out_source[j].slice(-1, 0, samples);
      cycles[rows[j]] = out_cycles.slice(0, j, j + 1);
    }
  }

  // Joins: cross-fade the held tail with the same frames' new audio, hold back the new tail.
  std::vector<torch::Tensor> result(batch);
  for (int64_t i = 0; i < batch; ++i) {
    SpeechStream& s = *streams[i];
    const bool final = plans[i].final;
    const int64_t n = new_mel[i].size(1);
    const int64_t held = s.tail_.defined() ? s.tail_.numel() : 0;
    std::vector<torch::Tensor> pieces;
    if (n == 0) {
      if (final && held > 0) pieces.push_back(s.tail_);
    } else {
      const int64_t c = s.mel_history_.defined() ? s.mel_history_.size(1) : 0;
      const int64_t context_end = kSamplesPerFrame * c;
      if (held > context_end)
        fail(ErrorCode::kInternal, "speech stream: held tail longer than the vocoder context");
      const torch::Tensor& w = wav[i];
      if (held > 0) {
        const torch::Tensor in = fade_in(held);
        pieces.push_back(s.tail_ * (1 - in) + w.slice(0, context_end - held, context_end) * in);
      }
      const int64_t end = w.numel();
      const int64_t hold =
          final ? 0 : kSamplesPerFrame * std::min(SpeechStream::kCrossfadeFrames, n);
      pieces.push_back(w.slice(0, context_end, end - hold));
      s.tail_ = w.slice(0, end - hold, end).clone();

      const torch::Tensor all_mel =
          c > 0 ? torch::cat({s.mel_history_, new_mel[i]}, 1) : new_mel[i];
      const int64_t keep = std::min(SpeechStream::kContextFrames, all_mel.size(1));
      s.mel_history_ = all_mel.slice(1, all_mel.size(1) - keep).clone();
      s.source_history_ =
          source[i].reshape({1, -1}).slice(1, end - kSamplesPerFrame * keep).clone();
      s.phase_cycles_ = cycles[i].clone();
      s.frames_vocoded_ += n;
    }
    torch::Tensor chunk = pieces.empty() ? torch::zeros({0}) : torch::cat(pieces, 0);
    chunk = faded(chunk.contiguous(), s.samples_);
    s.samples_ += chunk.numel();
    s.token_offset_ = plans[i].token_end;
    ++s.chunks_;
    if (final) {
      s.done_ = true;
      s.tail_ = torch::Tensor();
    }
    result[i] = chunk;
  }
  return result;
}

}  // namespace chatterbox::pipeline
