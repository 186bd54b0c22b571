#pragma once
// chatterbox.v1.TextToSpeech over the transport core: Synthesize streams a header, the audio
// as the engine makes it, then the final statistics; voices, models and status as the REST
// shim has them. A client that cancels or goes away, or a deadline that passes, reaches the
// engine's handle. With an API key every call needs "authorization: Bearer <key>" metadata.

#include <grpcpp/grpcpp.h>

#include "chatterbox/v1/tts.grpc.pb.h"
#include "server/transport_core.h"

namespace chatterbox::server {

class TtsService final : public v1::TextToSpeech::Service {
 public:
  explicit TtsService(TransportCore& core) : core_(core) {}

  grpc::Status Synthesize(grpc::ServerContext* context, const v1::SynthesizeRequest* request,
                          grpc::ServerWriter<v1::SynthesizeResponse>* writer) override;
  grpc::Status ListModels(grpc::ServerContext* context, const v1::ListModelsRequest* request,
                          v1::ListModelsResponse* response) override;
  grpc::Status ListVoices(grpc::ServerContext* context, const v1::ListVoicesRequest* request,
                          v1::ListVoicesResponse* response) override;
  grpc::Status CreateVoice(grpc::ServerContext* context,
                           grpc::ServerReader<v1::CreateVoiceRequest>* reader,
                           v1::Voice* response) override;
  grpc::Status DeleteVoice(grpc::ServerContext* context, const v1::DeleteVoiceRequest* request,
                           v1::DeleteVoiceResponse* response) override;
  grpc::Status GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest* request,
                         v1::GetStatusResponse* response) override;

 private:
  // Checks the key, runs `body`, maps what it throws to a status, counts the call.
  template <typename Body>
  grpc::Status call(const char* method, grpc::ServerContext* context, Body&& body);
  void synthesize(grpc::ServerContext* context, const v1::SynthesizeRequest& request,
                  grpc::ServerWriter<v1::SynthesizeResponse>* writer, const RequestLog& log);
  v1::Voice create_voice(grpc::ServerReader<v1::CreateVoiceRequest>* reader, const RequestLog& log);

  TransportCore& core_;
};

}  // namespace chatterbox::server
