#pragma once
// The one error type the engine throws. Its code maps onto gRPC status codes and HTTP
// statuses at the server edge; its message says what went wrong in words a user can act on.

#include <stdexcept>
#include <string>

namespace chatterbox {

enum class ErrorCode {
  kInvalidArgument,    // bad option, empty text, malformed request
  kNotFound,           // unknown voice, missing checkpoint file
  kCorruptData,        // truncated or malformed file or audio
  kUnsupported,        // a format or feature this build does not handle
  kResourceExhausted,  // queue full, input too large
  kUnavailable,        // device not usable, model not ready
  kCancelled,          // the client went away
  kDeadlineExceeded,   // the request's deadline passed before it finished
  kInternal,           // a bug
};

const char* error_code_name(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) {
  throw Error(code, message);
}

}  // namespace chatterbox
