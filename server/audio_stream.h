#pragma once
// One synthesis from the engine's handle to a transport: pulls the chunks as the engine makes
// them, encodes them incrementally and hands the bytes to the transport's writer. A writer
// that fails, or a client found gone while waiting, cancels the request in the engine (its
// slot is freed at the next step).

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/runtime/synthesis_handle.h"
#include "server/audio_encoder.h"

namespace chatterbox::server {

// Sends bytes to the client; false: the client went away.
using ByteWriter = std::function<bool(const std::string& bytes)>;
// Polled while waiting for audio; false: the client went away.
using AliveCheck = std::function<bool()>;

struct StreamOutcome {
  bool client_gone = false;     // the request was cancelled for it
  int64_t chunks = 0;           // engine chunks encoded
  int64_t bytes = 0;            // bytes handed to the writer
  runtime::FinalRecord record;  // valid when !client_gone
};

class AudioStream {
 public:
  AudioStream(std::shared_ptr<runtime::SynthesisHandle> handle, AudioFormat format,
              EncodeMode mode);
  // Waits for the first chunk (or the end), so that a failure before any audio can still be
  // answered with an error status. Throws what the handle throws.
  void prime(const AliveCheck& alive = {});
  // Everything (after prime(), which it calls if needed) to `write`; the encoder's tail last.
  // Throws what the handle throws (a failure mid-stream).
  StreamOutcome run(const ByteWriter& write, const AliveCheck& alive = {});
  runtime::SynthesisHandle& handle() { return *handle_; }

 private:
  std::optional<runtime::AudioChunk> next(const AliveCheck& alive, bool& gone);
  StreamOutcome cancelled(StreamOutcome outcome);

  std::shared_ptr<runtime::SynthesisHandle> handle_;
  std::unique_ptr<AudioEncoder> encoder_;
  bool primed_ = false;
  std::optional<runtime::AudioChunk> first_;
  bool gone_while_priming_ = false;
};

}  // namespace chatterbox::server
