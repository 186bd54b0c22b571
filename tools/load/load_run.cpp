#include "tools/load/load_run.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "tools/load/http_speech.h"
#ifdef CHATTERBOX_WITH_GRPC
#include "tools/load/grpc_speech.h"
#endif

namespace chatterbox::load {
namespace {

using Clock = std::chrono::steady_clock;

// Speech tokens a request makes when it does not bound them (for the hang-up point).
constexpr int64_t kAssumedTokens = 50;

// Shared by the clients: the request counter and the results.
struct Shared {
  Shared(const LoadOptions& o, Clock::time_point until) : options(o), end(until) {}
  const LoadOptions& options;
  Clock::time_point end;
  std::atomic<int64_t> issued{0};
  std::mutex mutex;
  std::vector<SpeechResult> results;
};

bool take_request(Shared& s, int64_t& index) {
  if (Clock::now() >= s.end) return false;
  index = s.issued.fetch_add(1);
  return s.options.max_requests == 0 || index < s.options.max_requests;
}

// A random point of the expected stream, for a request chosen to hang up; -1 for the others.
int64_t drop_point(const LoadOptions& o, std::mt19937_64& random) {
  if (o.disconnect_fraction <= 0 ||
      std::uniform_real_distribution<double>(0, 1)(random) >= o.disconnect_fraction)
    return -1;
  const int64_t tokens = o.call.max_new_tokens > 0 ? o.call.max_new_tokens : kAssumedTokens;
  return std::uniform_int_distribution<int64_t>(1, tokens * kPcmBytesPerToken - 1)(random);
}

void client(Shared& s, int id) {
  const Speaker speak = make_speaker(s.options);
  std::mt19937_64 random(s.options.call.seed * 7919 + static_cast<uint64_t>(id));
  int64_t index = 0;
  while (take_request(s, index)) {
    SpeechCall call = s.options.call;
    call.seed += static_cast<uint64_t>(index);
    call.drop_after_bytes = drop_point(s.options, random);
    SpeechResult result = speak(call);
    std::lock_guard<std::mutex> lock(s.mutex);
    s.results.push_back(std::move(result));
  }
}

}  // namespace

Speaker make_speaker(const LoadOptions& o) {
#ifdef CHATTERBOX_WITH_GRPC
  if (o.transport == "grpc") {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection per client
    auto channel =
        grpc::CreateCustomChannel(o.grpc_target, grpc::InsecureChannelCredentials(), arguments);
    std::shared_ptr<v1::TextToSpeech::Stub> stub = v1::TextToSpeech::NewStub(channel);
    return [stub](const SpeechCall& call) { return grpc_speech(*stub, call); };
  }
#endif
  const std::string url = o.url;
  return [url](const SpeechCall& call) { return http_speech(url, call); };
}

LoadRun run_load(const LoadOptions& options) {
  const auto start = Clock::now();
  Shared shared(options,
                start + std::chrono::milliseconds(static_cast<int64_t>(options.duration_s * 1000)));
  std::vector<std::thread> clients;
  for (int i = 0; i < options.clients; ++i)
    clients.emplace_back([&shared, i] { client(shared, i); });
  for (auto& t : clients) t.join();
  LoadRun run;
  run.results = std::move(shared.results);
  run.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return run;
}

}  // namespace chatterbox::load
