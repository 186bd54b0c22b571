#include "server/http/http_util.h"

namespace chatterbox::server::http {

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void send_error(httplib::Response& res, const ApiError& error) {
  res.status = error.http_status();
  if (error.http_status() == 401) res.set_header("WWW-Authenticate", "Bearer");
  if (error.http_status() == 429 || error.http_status() == 503) res.set_header("Retry-After", "1");
  res.set_content(error.to_json(), "application/json");
}

RequestLog request_log(const httplib::Request& req, httplib::Response& res) {
  RequestLog log(request_id_from(req.get_header_value("X-Request-Id")));
  res.set_header("X-Request-Id", log.request_id());
  return log;
}

std::string route_label(const std::string& method, const std::string& path) {
  static const char* kRoutes[] = {"/v1/audio/speech", "/v1/tts", "/v1/models", "/v1/voices",
                                  "/v1/audio/voices", "/health", "/ready",     "/live",
                                  "/metrics",         "/"};
  for (const char* route : kRoutes)
    if (path == route) return method + " " + route;
  if (path.rfind("/v1/voices/", 0) == 0) return method + " /v1/voices/{name}";
  if (path.rfind("/web/", 0) == 0) return method + " /web/{file}";
  return "other";
}

}  // namespace chatterbox::server::http
