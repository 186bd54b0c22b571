#pragma once
// A connected TCP socket as the Wyoming session reads and writes it: buffered reads of a line
// or of an exact byte count, whole writes (no SIGPIPE), and a non-blocking check that the peer
// is still there. Owns and closes the descriptor.

#include <cstddef>
#include <string>

namespace chatterbox::server::wyoming {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket();
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  enum class LineResult { kLine, kClosed, kTooLong };
  // The next line without its '\n'. kTooLong once `max_bytes` pass without a newline.
  LineResult read_line(std::string& line, size_t max_bytes);
  // false when the peer closes first.
  bool read_exact(size_t n, std::string& out);
  // false when the peer is gone.
  bool write_all(const std::string& bytes);
  // false once the peer has closed or reset the connection (data it sent stays unread).
  bool peer_open();
  // Wakes a thread blocked in a read on this socket (server shutdown).
  void shutdown();

 private:
  bool fill();  // one recv() into buffer_; false at EOF or error

  int fd_;
  std::string buffer_;
};

}  // namespace chatterbox::server::wyoming
