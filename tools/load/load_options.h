#pragma once
// chatterbox-load's command line: which server and transport, how many clients for how long,
// what each request asks, and the faults the clients inject (hang-ups, deadlines).

#include <cstdint>
#include <string>
#include <vector>

#include "tools/load/speech_call.h"

namespace chatterbox::load {

struct LoadOptions {
  std::string transport = "http";  // "http" (POST /v1/audio/speech) or "grpc" (Synthesize)
  std::string url = "http://127.0.0.1:8000";
  std::string grpc_target = "127.0.0.1:50051";
  int clients = 4;
  double duration_s = 10;          // clients start no request after this
  int64_t max_requests = 0;        // 0: no bound but the duration
  SpeechCall call;                 // every request's; the seed grows by one a request
  double disconnect_fraction = 0;  // of requests, which hang up at a random point mid-stream
  int server_pid = 0;              // 0: RSS from <url>/metrics
  std::string json_out;            // also write the report as JSON here
  std::vector<std::string> allowed_errors;  // kinds that do not make the exit status 1
};

// Exits (CLI11's way) on --help or a bad command line.
LoadOptions parse_load_options(int argc, char** argv);

}  // namespace chatterbox::load
