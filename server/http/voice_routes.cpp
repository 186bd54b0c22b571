#include "engine/common/variant.h"
#include "server/base64.h"
#include "server/http/http_routes.h"
#include "server/http/http_util.h"
#include "server/request_fields.h"

namespace chatterbox::server::http {
namespace {

constexpr const char* kClipFields[] = {"file", "audio", "reference_audio", "voice_file"};

nlohmann::json voice_json(const VoiceInfo& v) {
  return {{"id", v.name},
          {"name", v.name},
          {"variant", variant_name(v.variant)},
          {"source_seconds", v.source_seconds},
          {"created", v.created},
          {"builtin", false}};
}

nlohmann::json voices_json(TransportCore& core, const std::string& model) {
  nlohmann::json voices = nlohmann::json::array();
  for (const auto& v : core.list_voices(model)) voices.push_back(voice_json(v));
  // OpenAI's names all speak in the checkpoint's built-in voice.
  for (const auto& name : TransportCore::builtin_voice_names())
    voices.push_back({{"id", name}, {"name", name}, {"builtin", true}});
  return {{"object", "list"}, {"voices", voices}};
}

bool truthy(const std::string& value) {
  return value == "1" || value == "true" || value == "yes" || value == "on";
}

double parse_number(const std::string& text, const char* field) {
  try {
    size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw ApiError(400, "invalid_type", std::string("'") + field + "' must be a number", field);
}

VoiceUpload upload_from_multipart(const httplib::Request& req) {
  VoiceUpload upload;
  auto field = [&](const char* key) {
    return req.has_file(key) ? req.get_file_value(key).content : std::string();
  };
  upload.name = field("name");
  upload.model = field("model");
  if (req.has_file("exaggeration"))
    upload.exaggeration = parse_number(field("exaggeration"), "exaggeration");
  upload.overwrite = truthy(field("overwrite"));
  for (const char* key : kClipFields)
    if (req.has_file(key)) {
      upload.clip = field(key);
      break;
    }
  if (upload.clip.empty())
    throw ApiError(400, "missing_field", "the form needs the reference clip as a 'file' part",
                   "file");
  return upload;
}

VoiceUpload upload_from_json(const httplib::Request& req, const RequestLimits& limits) {
  const nlohmann::json object = parse_json_object(req.body, limits.max_body_bytes);
  const RequestFields f(object);
  VoiceUpload upload;
  upload.name = f.required_string("name");
  upload.model = f.string("model").value_or("");
  upload.exaggeration = f.number("exaggeration", 0.0, 2.0);
  upload.overwrite = f.boolean("overwrite").value_or(false);
  for (const char* key : kClipFields)
    if (auto clip = f.string(key)) {
      if (base64_decoded_size(*clip) > limits.max_reference_bytes + 3)
        throw ApiError(413, "clip_too_large",
                       std::string("'") + key + "' exceeds the limit of " +
                           std::to_string(limits.max_reference_bytes) + " bytes",
                       key);
      try {
        upload.clip = base64_decode(*clip, key);
      } catch (const Error& e) {
        throw ApiError(400, "invalid_base64", e.what(), key);
      }
      return upload;
    }
  throw ApiError(400, "missing_field", "give the reference clip as base64 in 'audio'", "audio");
}

void list(TransportCore& core, const httplib::Request& req, httplib::Response& res) {
  const RequestLog log = request_log(req, res);
  guarded(log, res, [&] { send_json(res, 200, voices_json(core, req.get_param_value("model"))); });
}

}  // namespace

void add_voice_routes(httplib::Server& server, TransportCore& core) {
  server.Get("/v1/voices", [&core](const httplib::Request& req, httplib::Response& res) {
    list(core, req, res);
  });
  server.Get("/v1/audio/voices", [&core](const httplib::Request& req, httplib::Response& res) {
    list(core, req, res);
  });
  server.Post("/v1/voices", [&core](const httplib::Request& req, httplib::Response& res) {
    const RequestLog log = request_log(req, res);
    guarded(log, res, [&] {
      const VoiceUpload upload = req.is_multipart_form_data()
                                     ? upload_from_multipart(req)
                                     : upload_from_json(req, core.config().limits);
      send_json(res, 201, voice_json(core.create_voice(upload, log)));
    });
  });
  server.Delete(R"(/v1/voices/([^/]+))",
                [&core](const httplib::Request& req, httplib::Response& res) {
                  const RequestLog log = request_log(req, res);
                  guarded(log, res, [&] {
                    const std::string name = req.matches[1];
                    core.delete_voice(name, log);
                    send_json(res, 200, {{"id", name}, {"deleted", true}});
                  });
                });
}

}  // namespace chatterbox::server::http
