#include "server/audio_stream.h"

namespace chatterbox::server {
namespace {
constexpr std::chrono::milliseconds kPollInterval{100};
}

AudioStream::AudioStream(std::shared_ptr<runtime::SynthesisHandle> handle, AudioFormat format,
                         EncodeMode mode)
    : handle_(std::move(handle)),
      encoder_(make_audio_encoder(format, handle_->sample_rate(), mode)) {}

std::optional<runtime::AudioChunk> AudioStream::next(const AliveCheck& alive, bool& gone) {
  gone = false;
  for (;;) {
    bool timed_out = false;
    auto chunk = handle_->next_for(kPollInterval, timed_out);
    if (!timed_out) return chunk;
    if (alive && !alive()) {
      gone = true;
      return std::nullopt;
    }
  }
}

void AudioStream::prime(const AliveCheck& alive) {
  if (primed_) return;
  primed_ = true;
  first_ = next(alive, gone_while_priming_);
}

StreamOutcome AudioStream::cancelled(StreamOutcome outcome) {
  handle_->cancel();
  outcome.client_gone = true;
  return outcome;
}

StreamOutcome AudioStream::run(const ByteWriter& write, const AliveCheck& alive) {
  prime(alive);
  StreamOutcome outcome;
  if (gone_while_priming_) return cancelled(outcome);
  auto emit = [&](const std::string& bytes) {
    if (bytes.empty()) return true;
    outcome.bytes += static_cast<int64_t>(bytes.size());
    return write(bytes);
  };
  std::optional<runtime::AudioChunk> chunk = std::move(first_);
  while (chunk) {
    ++outcome.chunks;
    if (!emit(encoder_->push(chunk->samples))) return cancelled(outcome);
    bool gone = false;
    chunk = next(alive, gone);
    if (gone) return cancelled(outcome);
  }
  if (!emit(encoder_->finish())) return cancelled(outcome);
  outcome.record = handle_->final_record();
  return outcome;
}

}  // namespace chatterbox::server
