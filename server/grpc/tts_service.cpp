#include "server/grpc/tts_service.h"

#include "engine/common/error.h"
#include "proto/status_code_name.h"
#include "server/api_error.h"
#include "server/audio_stream.h"
#include "server/grpc/proto_convert.h"
#include "server/version.h"

namespace chatterbox::server {
namespace {

std::string metadata(const grpc::ServerContext* context, const char* key) {
  const auto& md = context->client_metadata();
  auto it = md.find(key);
  return it == md.end() ? "" : std::string(it->second.data(), it->second.size());
}

grpc::Status to_status(const ApiError& error) {
  return grpc::Status(static_cast<grpc::StatusCode>(grpc_status_for_http(error.http_status())),
                      error.what());
}

// The gRPC deadline, on the engine's clock; none when the client set none.
std::optional<runtime::Clock::time_point> engine_deadline(const grpc::ServerContext* context) {
  const auto deadline = context->deadline();
  if (deadline >= std::chrono::system_clock::time_point::max() - std::chrono::hours(24 * 365))
    return std::nullopt;
  const auto left = deadline - std::chrono::system_clock::now();
  return runtime::Clock::now() + std::chrono::duration_cast<runtime::Clock::duration>(left);
}

}  // namespace

template <typename Body>
grpc::Status TtsService::call(const char* method, grpc::ServerContext* context, Body&& body) {
  const RequestLog log(request_id_from(metadata(context, "x-request-id")));
  context->AddInitialMetadata("x-request-id", log.request_id());
  grpc::Status status;
  try {
    if (!core_.authorized(metadata(context, "authorization")))
      throw ApiError(401, "invalid_api_key", "this server needs 'authorization: Bearer <API key>'");
    body(log);
  } catch (...) {
    const ApiError error = to_api_error(std::current_exception());
    status = to_status(error);
    log.info(std::string("event=refused rpc=") + method + " code=" +
             proto::status_code_name(status.error_code()) + " message=" + log_value(error.what()));
  }
  if (status.ok() && context->IsCancelled())
    status = grpc::Status(grpc::StatusCode::CANCELLED, "the client cancelled the call");
  core_.metrics().count_request(std::string("grpc:") + method,
                                proto::status_code_name(status.error_code()));
  return status;
}

void TtsService::synthesize(grpc::ServerContext* context, const v1::SynthesizeRequest& message,
                            grpc::ServerWriter<v1::SynthesizeResponse>* writer,
                            const RequestLog& log) {
  const SpeechRequest request = from_proto(message, core_.config().limits);
  const Submission submission = core_.submit(request, log, engine_deadline(context));
  const auto alive = [context] { return !context->IsCancelled(); };
  AudioStream stream(submission.handle, request.format, EncodeMode::kStream);
  try {
    stream.prime(alive);
  } catch (...) {
    submission.handle->cancel();
    throw;
  }
  v1::SynthesizeResponse response;
  auto* header = response.mutable_header();
  header->set_sample_rate(submission.handle->sample_rate());
  header->set_format(to_proto(request.format));
  header->set_model(submission.model);
  header->set_device(submission.device);
  header->set_request_id(log.request_id());
  if (!writer->Write(response)) {
    submission.handle->cancel();
    fail(ErrorCode::kCancelled, "the client went away");
  }
  const StreamOutcome outcome = stream.run(
      [&](const std::string& bytes) {
        response.Clear();
        response.set_audio(bytes);
        return writer->Write(response);
      },
      alive);
  if (outcome.client_gone) {
    log.info("event=client_gone chunks=" + std::to_string(outcome.chunks));
    fail(ErrorCode::kCancelled, "the client went away");
  }
  response.Clear();
  to_proto(outcome.record, response.mutable_statistics());
  writer->Write(response);
  core_.finished(outcome.record, log);
}

grpc::Status TtsService::Synthesize(grpc::ServerContext* context,
                                    const v1::SynthesizeRequest* request,
                                    grpc::ServerWriter<v1::SynthesizeResponse>* writer) {
  return call("Synthesize", context,
              [&](const RequestLog& log) { synthesize(context, *request, writer, log); });
}

grpc::Status TtsService::ListModels(grpc::ServerContext* context, const v1::ListModelsRequest*,
                                    v1::ListModelsResponse* response) {
  return call("ListModels", context, [&](const RequestLog&) {
    for (const auto& m : core_.models()) {
      auto* model = response->add_models();
      model->set_name(m.name);
      model->set_variant(variant_name(m.variant));
      model->set_ready(m.ready);
      model->set_sample_rate(m.sample_rate);
      for (const auto& code : m.languages) model->add_languages(code);
    }
  });
}

grpc::Status TtsService::ListVoices(grpc::ServerContext* context,
                                    const v1::ListVoicesRequest* request,
                                    v1::ListVoicesResponse* response) {
  return call("ListVoices", context, [&](const RequestLog&) {
    for (const auto& v : core_.list_voices(request->model())) to_proto(v, response->add_voices());
  });
}

v1::Voice TtsService::create_voice(grpc::ServerReader<v1::CreateVoiceRequest>* reader,
                                   const RequestLog& log) {
  v1::CreateVoiceRequest part;
  if (!reader->Read(&part) || !part.has_metadata())
    throw ApiError(400, "missing_field", "the first message must carry the metadata", "metadata");
  VoiceUpload upload;
  upload.name = part.metadata().name();
  upload.model = part.metadata().model();
  if (part.metadata().has_exaggeration()) upload.exaggeration = part.metadata().exaggeration();
  upload.overwrite = part.metadata().overwrite();
  const size_t limit = core_.config().limits.max_reference_bytes;
  while (reader->Read(&part)) {
    if (part.has_metadata())
      throw ApiError(400, "invalid_value", "metadata may come only first", "metadata");
    upload.clip += part.clip();
    if (upload.clip.size() > limit)
      throw ApiError(413, "clip_too_large",
                     "the clip exceeds the limit of " + std::to_string(limit) + " bytes", "clip");
  }
  v1::Voice voice;
  to_proto(core_.create_voice(upload, log), &voice);
  return voice;
}

grpc::Status TtsService::CreateVoice(grpc::ServerContext* context,
                                     grpc::ServerReader<v1::CreateVoiceRequest>* reader,
                                     v1::Voice* response) {
  return call("CreateVoice", context,
              [&](const RequestLog& log) { *response = create_voice(reader, log); });
}

grpc::Status TtsService::DeleteVoice(grpc::ServerContext* context,
                                     const v1::DeleteVoiceRequest* request,
                                     v1::DeleteVoiceResponse*) {
  return call("DeleteVoice", context,
              [&](const RequestLog& log) { core_.delete_voice(request->name(), log); });
}

grpc::Status TtsService::GetStatus(grpc::ServerContext* context, const v1::GetStatusRequest*,
                                   v1::GetStatusResponse* response) {
  return call("GetStatus", context, [&](const RequestLog&) {
    response->set_ready(core_.ready());
    response->set_version(kVersion);
    for (const auto& s : core_.registry().status()) to_proto(s, response->add_instances());
  });
}

}  // namespace chatterbox::server
