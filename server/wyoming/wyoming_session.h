#pragma once
// One Wyoming client connection, event by event until it closes:
//   describe                  -> info (wyoming_voices.h)
//   ping                      -> pong
//   synthesize {text, voice}  -> audio-start, audio-chunk..., audio-stop
//   synthesize-start {voice}, synthesize-chunk {text}..., synthesize-stop
//                             -> audio-start, the audio of each sentence as soon as it is
//                                complete, audio-stop, synthesize-stopped. A `synthesize`
//                                between start and stop is the client's copy of the whole text
//                                for servers without streaming, and is ignored.
// Both synthesize forms may carry "chatterbox": {...} beside "voice": the options of the REST
// API (exaggeration, cfg_weight, temperature, top_p, min_p, top_k, repetition_penalty, seed,
// max_new_tokens), validated alike. Refusals and malformed events are answered with an `error`
// event {text, code}; the connection closes after one only when the byte stream cannot be followed
// any further.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "server/transport_core.h"
#include "server/wyoming/wyoming_event.h"
#include "server/wyoming/wyoming_socket.h"

namespace chatterbox::server::wyoming {

class Session {
 public:
  struct Voice {
    nlohmann::json voice;    // Wyoming's {name, language, speaker}
    nlohmann::json options;  // exaggeration, cfg_weight, temperature, seed, max_new_tokens, ...
  };

  Session(TransportCore& core, Socket& socket, std::string peer)
      : core_(core), socket_(socket), peer_(std::move(peer)) {}
  void run();

 private:
  void handle(const Event& event);
  void send(const std::string& type, nlohmann::json data = nlohmann::json::object(),
            std::string payload = "");
  void send_error(const std::string& code, const std::string& text);
  void synthesize(const nlohmann::json& data);
  void stream_start(const nlohmann::json& data);
  void stream_chunk(const nlohmann::json& data);
  void stream_stop();
  // Speaks `text` in `voice`, audio-start first when none was sent yet; refusals become error
  // events. False when the client is gone.
  bool speak(const std::string& text, const Voice& voice);
  void speak_or_refuse(const std::string& text, const Voice& voice);
  void start_audio(int sample_rate);
  void stop_audio();

  TransportCore& core_;
  Socket& socket_;
  std::string peer_;
  bool gone_ = false;
  bool streaming_ = false;
  Voice stream_voice_;
  std::string pending_text_;  // streamed text not yet ending in a complete sentence
  bool audio_started_ = false;
  int sample_rate_ = 24000;
  int64_t samples_sent_ = 0;
};

// The end of the last complete sentence in `text` (after its terminator and the white space
// that follows), 0 when there is none yet.
size_t complete_sentences_end(const std::string& text);

}  // namespace chatterbox::server::wyoming
