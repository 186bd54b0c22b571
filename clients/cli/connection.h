#pragma once
// chatterbox-cli's link to chatterboxd: one channel, and a context per call carrying the API
// key ("authorization: Bearer ...") and a deadline.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "chatterbox/v1/tts.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace chatterbox::cli {

struct ConnectionOptions {
  std::string server = "127.0.0.1:50051";
  std::string api_key;     // default: $CHATTERBOX_API_KEY
  double timeout_s = 300;  // per call; 0: none
};

class Connection {
 public:
  explicit Connection(const ConnectionOptions& options);
  std::unique_ptr<grpc::ClientContext> context() const;
  v1::TextToSpeech::Stub& tts() { return *tts_; }
  grpc::health::v1::Health::Stub& health() { return *health_; }

 private:
  ConnectionOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::TextToSpeech::Stub> tts_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

// Prints "error: <code>: <message>" and returns the exit status for it (1).
int report(const grpc::Status& status);

}  // namespace chatterbox::cli
