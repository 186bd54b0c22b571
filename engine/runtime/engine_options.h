#pragma once

#include <cstdint>
#include <optional>

namespace chatterbox::runtime {

struct EngineOptions {
  int64_t max_slots = 4;            // requests T3 decodes together
  int64_t max_len = 0;              // KV positions per slot; 0: kDefaultMaxLen
  int64_t max_queue = 64;           // requests waiting for a slot; beyond that submit() is refused
  int64_t first_chunk_tokens = 12;  // speech tokens in a stream's first audio chunk
  int64_t max_chunk_tokens = 100;   // later chunks grow up to this
  // Each later chunk this many times the one before (1 to 16); 0: 4 where T3 runs on CUDA (many
  // times real time: fewer flow runs a stream, same first chunk), 2 elsewhere.
  int64_t chunk_growth = 0;
  int64_t max_text_chars = 0;         // text chunk limit (code points); 0: the variant's default
  int64_t max_request_chars = 20000;  // longer texts are refused
  // Replay T3's decode step (cuda_graphs) and S3Gen's CFM estimator (flow_graphs) as CUDA graphs
  // where the device has them.
  bool cuda_graphs = true;
  bool flow_graphs = true;
  // Decode S3Gen chunks on a thread (and CUDA stream) beside the T3 loop; unset: where S3Gen
  // runs on CUDA (a CPU's cores are busy with T3 already).
  std::optional<bool> audio_thread;

  static constexpr int64_t kDefaultMaxLen = 1536;
};

}  // namespace chatterbox::runtime
