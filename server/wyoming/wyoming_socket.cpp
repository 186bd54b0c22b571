#include "server/wyoming/wyoming_socket.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace chatterbox::server::wyoming {

Socket::~Socket() {
  ::close(fd_);
}

bool Socket::fill() {
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

Socket::LineResult Socket::read_line(std::string& line, size_t max_bytes) {
  size_t searched = 0;
  for (;;) {
    const size_t end = buffer_.find('\n', searched);
    if (end != std::string::npos && end <= max_bytes) {
      line = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return LineResult::kLine;
    }
    if (buffer_.size() > max_bytes) return LineResult::kTooLong;
    searched = buffer_.size();
    if (!fill()) return LineResult::kClosed;
  }
}

bool Socket::read_exact(size_t n, std::string& out) {
  while (buffer_.size() < n)
    if (!fill()) return false;
  out = buffer_.substr(0, n);
  buffer_.erase(0, n);
  return true;
}

bool Socket::write_all(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool Socket::peer_open() {
  char byte;
  const ssize_t n = ::recv(fd_, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return true;
  if (n == 0) return false;
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

void Socket::shutdown() {
  ::shutdown(fd_, SHUT_RDWR);
}

}  // namespace chatterbox::server::wyoming
