#include "server/wyoming/wyoming_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "engine/common/error.h"
#include "engine/log/log.h"
#include "server/wyoming/wyoming_event.h"
#include "server/wyoming/wyoming_session.h"
#include "server/wyoming/wyoming_socket.h"

namespace chatterbox::server::wyoming {
namespace {

int bind_listener(const ListenAddress& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(address.port);
  if (::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 64) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

std::string peer_name(const sockaddr_storage& addr) {
  char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "?";
  ::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), sizeof(addr), host, sizeof(host), port,
                sizeof(port), NI_NUMERICHOST | NI_NUMERICSERV);
  return std::string(host) + ":" + port;
}

}  // namespace

WyomingServer::~WyomingServer() {
  stop();
  join();
}

int WyomingServer::start(const ListenAddress& address) {
  listen_fd_ = bind_listener(address);
  if (listen_fd_ < 0)
    fail(ErrorCode::kUnavailable, "cannot listen for Wyoming on " + address.host + ":" +
                                      std::to_string(address.port) +
                                      " (address in use or not local?)");
  const int port = bound_port(listen_fd_);
  accept_thread_ = std::thread([this] { accept_loop(); });
  log::info("Wyoming listening on tcp://" + address.host + ":" + std::to_string(port));
  return port;
}

void WyomingServer::accept_loop() {
  for (;;) {
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // the listener was shut down
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (connections_ >= kMaxConnections) {
      Socket refused(fd);
      refused.write_all(
          encode_event({"error",
                        {{"text", "too many Wyoming connections (at most " +
                                      std::to_string(kMaxConnections) + "); try again later"},
                         {"code", "busy"}},
                        ""}));
      continue;
    }
    auto socket = std::make_unique<Socket>(fd);
    sockets_.insert(socket.get());
    ++connections_;
    std::thread([this, s = socket.release(), peer = peer_name(addr)] {
      serve(std::unique_ptr<Socket>(s), peer);
    }).detach();
  }
}

void WyomingServer::serve(std::unique_ptr<Socket> socket, const std::string& peer) {
  log::debug("wyoming: connection from " + peer);
  Session(core_, *socket, peer).run();
  std::lock_guard<std::mutex> lock(mutex_);
  sockets_.erase(socket.get());
  socket.reset();
  if (--connections_ == 0) all_closed_.notify_all();
}

void WyomingServer::stop() {
  if (listen_fd_ < 0) return;
  ::shutdown(listen_fd_, SHUT_RDWR);
  if (accept_thread_.joinable()) accept_thread_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void WyomingServer::join() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (Socket* socket : sockets_) socket->shutdown();
  all_closed_.wait(lock, [this] { return connections_ == 0; });
}

}  // namespace chatterbox::server::wyoming
