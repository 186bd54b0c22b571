#pragma once
// Streaming S3Gen decoding for one request (one text segment): speech tokens arrive from T3 a
// few at a time, and audio leaves in chunks long before T3 is done.
//
// S3Gen has no chunk-causal mode (its encoder and decoder attend to every frame), so each chunk
// re-runs the flow over prompt + all tokens up to the chunk's end plus the 3 look-ahead tokens,
// with finalize = false (the look-ahead frames are dropped), and only the final chunk runs with
// finalize = true. The flow's start noise is a fixed per-stream buffer (stream_noise.h), so
// re-computed frames start from the same noise. Only frames not yet emitted go to the vocoder,
// which also gets:
//  - mel context: the last kContextFrames frames already vocoded, prepended, with their source
//    signal as cache_source and the harmonic phases pinned to continue where the previous chunk
//    stopped (no phase jump where the cached source ends);
//  - a right filler of kFillerFrames copies of the last frame for a chunk that continues, which
//    stands in for the frames to come and keeps batch padding out of the audio;
// and the last kCrossfadeFrames frames of a chunk that continues are held back and cross-faded
// (raised cosine) with the next chunk's audio of the same frames. The trim fade applies to the
// first 960 samples of the stream only. The stream's total length equals the one-shot length.
//
// Chunk k covers a fixed number of tokens (the schedule), whatever the timing of append() and
// of the decode calls: a chunk that continues is decoded from exactly its tokens plus the
// look-ahead, and it is final only when finish() leaves at most hop + 2 tokens for it. So the
// audio depends on the tokens and the seed alone, never on how the engine interleaved the work.

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "engine/models/s3gen/reference_embedding.h"
#include "engine/models/s3gen/s3gen.h"
#include "engine/pipeline/stream_noise.h"

namespace chatterbox::pipeline {

struct StreamSchedule {
  static constexpr int64_t kMaxGrowth = 16;
  int64_t first_chunk_tokens = 12;  // small first chunk for low latency (10-15 tokens)
  int64_t max_chunk_tokens = 100;   // later chunks grow up to this
  // Each later chunk is this many times the one before (up to max_chunk_tokens). 2 keeps a
  // stream ahead of real time while T3 runs at least ~1x real time; a larger factor runs the flow
  // fewer times a stream (less work per second of audio) but needs T3 that much faster.
  int64_t growth = 2;

  // One chunk at finish(): the whole segment in one flow pass, the one-shot decode's audio, for
  // a caller that takes the audio only once it is all there.
  static StreamSchedule whole();
};

class SpeechStream {
 public:
  static constexpr int64_t kLookaheadTokens = 3;
  static constexpr int64_t kContextFrames = 16;   // mel frames of vocoder context per chunk
  static constexpr int64_t kFillerFrames = 16;    // right filler of a chunk that continues
  static constexpr int64_t kCrossfadeFrames = 4;  // held back, cross-faded (80 ms)

  // ref: the voice's S3Gen conditioning (Conditionals::gen); seed: this stream's draws
  // (stream_noise.h), so the same seed gives the same audio alone or batched; turbo_family: at
  // finish() append the 3 silence tokens (4299) like the one-shot Turbo/Nano path.
  SpeechStream(const models::s3gen::ReferenceEmbedding& ref, uint64_t seed, bool turbo_family,
               StreamSchedule schedule = {});

  // Raw T3 tokens: ids >= 6561 are dropped; for the non-Turbo variants a stop token (6562) ends
  // the speech and later tokens are ignored, as the one-shot path cuts at it.
  void append(const std::vector<int64_t>& speech_tokens);
  // T3 is done: the chunk that reaches the end is the final one.
  void finish();
  // Enough new tokens for the next chunk (its hop plus the look-ahead), or finished with audio
  // left.
  bool chunk_ready() const;
  // The final chunk was emitted (or finish() came with nothing to decode).
  bool done() const { return done_; }
  // Streams with equal prompt length batch together.
  int64_t prompt_tokens() const { return prompt_tokens_; }
  // Speech tokens so far (after finish(), Turbo's silences included).
  int64_t tokens() const { return static_cast<int64_t>(tokens_.size()); }

  // Progress, for callers and tests.
  int64_t chunks_emitted() const { return chunks_; }
  int64_t tokens_emitted() const { return token_offset_; }  // tokens whose audio is out
  int64_t samples_emitted() const { return samples_; }
  // Tokens the next chunk covers (without the look-ahead); valid while !done().
  int64_t next_chunk_tokens() const;

 private:
  friend std::vector<torch::Tensor> decode_next_chunks(const models::s3gen::S3Gen& s3gen,
                                                       const std::vector<SpeechStream*>& streams,
                                                       models::s3gen::EstimatorGraphs* graphs);
  struct Plan {
    bool final = false;
    int64_t token_end = 0;    // tokens whose audio this chunk completes
    int64_t flow_tokens = 0;  // tokens the flow sees
  };
  Plan plan() const;
  int64_t hop() const;

  models::s3gen::ReferenceEmbedding ref_;  // CPU, prompt cut to its length
  int64_t prompt_tokens_ = 0;
  int64_t prompt_frames_ = 0;
  bool turbo_ = false;
  StreamSchedule schedule_;
  StreamDraws draws_;

  std::vector<int64_t> tokens_;
  bool stopped_ = false;  // a stop token arrived
  bool finished_ = false;
  bool done_ = false;
  int64_t chunks_ = 0;
  int64_t token_offset_ = 0;    // tokens covered by emitted chunks
  int64_t frames_vocoded_ = 0;  // generated mel frames given to the vocoder
  int64_t samples_ = 0;         // samples returned

  torch::Tensor mel_history_;     // (80, c) the last vocoded frames
  torch::Tensor source_history_;  // (1, 480 c) their source signal
  torch::Tensor phase_cycles_;    // (1, 9, 1) float64: running phase at the last source sample
  torch::Tensor tail_;            // (h,) samples held back for the cross-fade
};

// Decodes the next chunk of each stream: all must be chunk_ready() and share prompt_tokens().
// Their flows run as one batch (two when final and continuing chunks mix); their vocoder calls
// as one batch per context length (first chunks have none), final chunks, which have no filler
// to keep batch padding away, one per length. Returns the new audio of each stream, (L_i,) float32
// on the CPU at 24 kHz, in order. With `graphs`, the flow's estimator replays through them.
std::vector<torch::Tensor> decode_next_chunks(const models::s3gen::S3Gen& s3gen,
                                              const std::vector<SpeechStream*>& streams,
                                              models::s3gen::EstimatorGraphs* graphs = nullptr);

}  // namespace chatterbox::pipeline
