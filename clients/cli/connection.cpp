#include "connection.h"

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "proto/status_code_name.h"

namespace chatterbox::cli {

Connection::Connection(const ConnectionOptions& options) : options_(options) {
  if (options_.api_key.empty())
    if (const char* key = std::getenv("CHATTERBOX_API_KEY")) options_.api_key = key;
  channel_ = grpc::CreateChannel(options_.server, grpc::InsecureChannelCredentials());
  tts_ = v1::TextToSpeech::NewStub(channel_);
  health_ = grpc::health::v1::Health::NewStub(channel_);
}

std::unique_ptr<grpc::ClientContext> Connection::context() const {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options_.api_key.empty())
    context->AddMetadata("authorization", "Bearer " + options_.api_key);
  if (options_.timeout_s > 0)
    context->set_deadline(
        std::chrono::system_clock::now() +
        std::chrono::milliseconds(static_cast<int64_t>(options_.timeout_s * 1000)));
  return context;
}

int report(const grpc::Status& status) {
  std::cerr << "error: " << proto::status_code_name(status.error_code()) << ": "
            << status.error_message() << std::endl;
  return 1;
}

}  // namespace chatterbox::cli
