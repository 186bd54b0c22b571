#pragma once
// What a transport hands the engine (one synthesis), and what it gets back: audio chunks as
// they are made, then a final record. Plain data: no tensors cross this line.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/pipeline/conditionals.h"
#include "engine/pipeline/pipeline.h"

namespace chatterbox::runtime {

using Clock = std::chrono::steady_clock;

struct SynthesisRequest {
  std::string id;        // for logs; the engine makes one when empty
  std::string text;      // UTF-8; split at sentence boundaries when long
  std::string language;  // multilingual only ("en", "fr", ...); empty elsewhere
  // null: the checkpoint's built-in voice.
  std::shared_ptr<const pipeline::Conditionals> voice;
  pipeline::SynthesisOptions options;  // unset fields take the variant's defaults
  std::optional<Clock::time_point> deadline;
  // Voice conversion only: the speech to convert, mono 16 kHz.
  std::vector<float> source_audio_16k;
  // false: the caller takes the audio only once it is all there, so each text segment is decoded
  // in one S3Gen pass when T3 is done with it (the one-shot decode's audio, and less work than
  // chunks that each re-run the flow); its chunks are the segments.
  bool streaming = true;
};

// Mono float samples in [-1, 1] at the model's rate (24 kHz).
struct AudioChunk {
  std::vector<float> samples;
  int64_t index = 0;             // 0, 1, 2, ... in stream order
  int64_t first_sample = 0;      // offset of samples[0] in the whole stream
  int64_t tokens_generated = 0;  // T3 tokens of the request decoded when this chunk left
};

struct FinalRecord {
  std::string request_id;
  std::string device;         // where T3 ran, e.g. "cuda:0"
  int64_t speech_tokens = 0;  // T3 tokens over all text segments (no stop tokens)
  int64_t text_segments = 0;  // sentence chunks the text was split into
  bool reached_stop = false;  // every segment ended on T3's stop token
  int64_t samples = 0;        // audio samples delivered
  double audio_seconds = 0;
  double queue_wait_seconds = 0;   // submit -> admitted to a slot
  double time_to_first_audio = 0;  // submit -> first chunk ready
  double t3_seconds = 0;           // wall time of the steps and prefills this request took part in
  double s3gen_seconds = 0;        // wall time of the S3Gen decodes it took part in
  double total_seconds = 0;        // submit -> last chunk ready
};

}  // namespace chatterbox::runtime
