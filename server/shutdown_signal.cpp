#include "server/shutdown_signal.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "engine/common/error.h"

namespace chatterbox::server {
namespace {

int pipe_fds[2] = {-1, -1};
std::atomic<int> received{0};

void on_signal(int number) {
  int expected = 0;
  received.compare_exchange_strong(expected, number);
  const char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(pipe_fds[1], &byte, 1);
}

}  // namespace

ShutdownSignal::ShutdownSignal() {
  if (pipe_fds[0] < 0) {
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
      fail(ErrorCode::kInternal, "cannot make the signal pipe");
  }
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

ShutdownSignal::~ShutdownSignal() {
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
}

bool ShutdownSignal::wait_for(int timeout_ms) {
  if (received.load() != 0) return true;
  pollfd fd{pipe_fds[0], POLLIN, 0};
  ::poll(&fd, 1, timeout_ms);
  return received.load() != 0;
}

int ShutdownSignal::signal_number() const {
  return received.load();
}

}  // namespace chatterbox::server
