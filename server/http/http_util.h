#pragma once
// Small pieces every REST route uses: JSON and error responses, the request's id and log.

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "server/api_error.h"
#include "server/request_log.h"

namespace chatterbox::server::http {

void send_json(httplib::Response& res, int status, const nlohmann::json& body);
void send_error(httplib::Response& res, const ApiError& error);
// The client's X-Request-Id when it is safe, else a new id; echoed in the response.
RequestLog request_log(const httplib::Request& req, httplib::Response& res);
// The metrics label of a path: its route pattern ("/v1/voices/{name}"), "other" when unknown.
std::string route_label(const std::string& method, const std::string& path);
// Runs `handler`, answering any exception as its ApiError (logged with the request's id).
template <typename Handler>
void guarded(const RequestLog& log, httplib::Response& res, Handler&& handler) {
  try {
    handler();
  } catch (...) {
    const ApiError error = to_api_error(std::current_exception());
    if (error.http_status() >= 500)
      log.error("event=error status=" + std::to_string(error.http_status()) +
                " message=" + log_value(error.what()));
    else
      log.info("event=refused status=" + std::to_string(error.http_status()) +
               " code=" + error.code() + " message=" + log_value(error.what()));
    send_error(res, error);
  }
}

}  // namespace chatterbox::server::http
