#pragma once
// The REST routes, one group per file, registered on the cpp-httplib server.

#include <httplib.h>

#include "server/transport_core.h"

namespace chatterbox::server::http {

// POST /v1/audio/speech (OpenAI) and POST /v1/tts (native): whole files, chunked audio
// streams and Server-Sent Events.
void add_speech_routes(httplib::Server& server, TransportCore& core);
// GET|POST /v1/voices, DELETE /v1/voices/{name}, GET /v1/audio/voices.
void add_voice_routes(httplib::Server& server, TransportCore& core);
// GET /v1/models, /health, /ready, /live, /metrics.
void add_status_routes(httplib::Server& server, TransportCore& core);
// GET / (the web page) and GET /web/{file}: its scripts and styles, compiled in.
void add_web_routes(httplib::Server& server);

}  // namespace chatterbox::server::http
