#pragma once
// The REST shim (cpp-httplib): the routes of http_routes.h behind the API key check, OpenAI
// error bodies for every refusal (httplib's own 404 and 413 included), requests counted in
// the metrics by route and status, a worker pool large enough for many open streams, and a
// listen backlog for as many clients arriving at once (httplib's own is 5: under load, the
// connections beyond it failed with reset connections).

#include <memory>
#include <thread>

#include "server/server_config.h"
#include "server/transport_core.h"

namespace httplib {
class Server;
}

namespace chatterbox::server {

class HttpServer {
 public:
  explicit HttpServer(TransportCore& core);
  ~HttpServer();

  // Binds (kUnavailable when it cannot) and serves on a thread of its own. Returns the port
  // (the one chosen when `address.port` is 0).
  int start(const ListenAddress& address);
  // Stops accepting; requests in flight go on. join() waits for them.
  void stop();
  void join();

 private:
  void install_handlers();

  TransportCore& core_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int listen_socket_ = -1;  // to raise httplib's listen backlog of 5 once bound
};

}  // namespace chatterbox::server
