#include "server/http/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include "engine/common/error.h"
#include "engine/log/log.h"
#include "server/http/http_routes.h"
#include "server/http/http_util.h"

namespace chatterbox::server {
namespace {

// Probes and scrapes work without the API key (orchestrators call them unauthenticated), and
// so does the web page, which asks for the key itself.
bool is_public(const std::string& path) {
  return path == "/health" || path == "/ready" || path == "/live" || path == "/" ||
         path.rfind("/web/", 0) == 0;
}

const char* status_code_name(int status) {
  switch (status) {
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "body_too_large";
    case 414:
      return "uri_too_long";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

}  // namespace

HttpServer::HttpServer(TransportCore& core) : core_(core), server_(new httplib::Server) {
  install_handlers();
}

HttpServer::~HttpServer() {
  stop();
  join();
}

void HttpServer::install_handlers() {
  const ServerConfig& config = core_.config();
  const size_t threads = static_cast<size_t>(config.http_threads);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(config.limits.max_body_bytes);
  server_->set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_socket_ = static_cast<int>(sock);
  });
  server_->set_keep_alive_timeout(2);
  server_->set_read_timeout(30);
  server_->set_write_timeout(30);
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (is_public(req.path) || core_.authorized(req.get_header_value("Authorization")))
      return httplib::Server::HandlerResponse::Unhandled;
    http::send_error(res, ApiError(401, "invalid_api_key",
                                   "this server needs 'Authorization: Bearer <API key>'"));
    return httplib::Server::HandlerResponse::Handled;
  });
  const size_t max_body = config.limits.max_body_bytes;
  server_->set_error_handler([max_body](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = "request refused (HTTP " + std::to_string(res.status) + ")";
    if (res.status == 404) message = "no route " + req.method + " " + req.path;
    if (res.status == 413)
      message = "the request body exceeds the limit of " + std::to_string(max_body) + " bytes";
    http::send_error(res, ApiError(res.status, status_code_name(res.status), message));
  });
  server_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        http::send_error(res, to_api_error(error));
      });
  server_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    core_.metrics().count_request(http::route_label(req.method, req.path),
                                  std::to_string(res.status));
  });
  http::add_speech_routes(*server_, core_);
  http::add_voice_routes(*server_, core_);
  http::add_status_routes(*server_, core_);
  http::add_web_routes(*server_);
}

int HttpServer::start(const ListenAddress& address) {
  int port = address.port;
  if (port == 0)
    port = server_->bind_to_any_port(address.host);
  else if (!server_->bind_to_port(address.host, port))
    port = -1;
  if (port <= 0)
    fail(ErrorCode::kUnavailable, "cannot listen for HTTP on " + address.host + ":" +
                                      std::to_string(address.port) +
                                      " (address in use or not local?)");
  // listen() again on the bound socket sets its backlog (Linux, BSD); the kernel caps it at
  // net.core.somaxconn.
  if (listen_socket_ >= 0 && ::listen(listen_socket_, SOMAXCONN) != 0)
    log::warn("REST: cannot raise the listen backlog; clients arriving at once may be refused");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  log::info("REST listening on http://" + address.host + ":" + std::to_string(port));
  return port;
}

void HttpServer::stop() {
  if (server_) server_->stop();
}

void HttpServer::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace chatterbox::server
