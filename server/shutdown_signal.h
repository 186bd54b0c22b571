#pragma once
// SIGTERM and SIGINT as an event the serve loop can wait for (a self-pipe written by the
// handler, so any thread may take the signal). SIGPIPE is ignored: a client that goes away is
// a failed write, not the end of the process.

namespace chatterbox::server {

class ShutdownSignal {
 public:
  ShutdownSignal();  // installs the handlers (once per process)
  ~ShutdownSignal();
  // Waits up to `timeout_ms` for a signal; true once one arrived. The number of the first is
  // signal_number().
  bool wait_for(int timeout_ms);
  int signal_number() const;
};

}  // namespace chatterbox::server
