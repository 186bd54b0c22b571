#pragma once
// The Wyoming transport (Home Assistant's voice protocol, wyoming_session.h) on TCP: an accept
// thread, one thread per connection up to a limit (beyond it a connection gets an error event
// and is closed), everything through the same TransportCore as REST and gRPC.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "server/server_config.h"
#include "server/transport_core.h"

namespace chatterbox::server::wyoming {

class Socket;

class WyomingServer {
 public:
  static constexpr int kMaxConnections = 16;

  explicit WyomingServer(TransportCore& core) : core_(core) {}
  ~WyomingServer();

  // Binds (kUnavailable when it cannot) and accepts on a thread of its own. Returns the port
  // (the one chosen when `address.port` is 0).
  int start(const ListenAddress& address);
  // Stops accepting; connections go on (their streams end with the engine's drain).
  void stop();
  // Closes the remaining connections and waits for their threads.
  void join();

 private:
  void accept_loop();
  void serve(std::unique_ptr<Socket> socket, const std::string& peer);

  TransportCore& core_;
  int listen_fd_ = -1;
  std::thread accept_thread_;
  std::mutex mutex_;
  std::condition_variable all_closed_;
  std::set<Socket*> sockets_;
  int connections_ = 0;
};

}  // namespace chatterbox::server::wyoming
