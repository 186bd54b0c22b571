#pragma once
// Errors as the transports return them: an HTTP status and OpenAI's error JSON
// ({"error": {"message", "type", "param", "code"}}) for REST, a gRPC status code for gRPC.
// Request parsing throws ApiError directly; engine errors (chatterbox::Error) are mapped here.

#include <exception>
#include <stdexcept>
#include <string>

#include "engine/common/error.h"

namespace chatterbox::server {

class ApiError : public std::runtime_error {
 public:
  // `code`: a short machine-readable reason ("invalid_value", "input_too_long", ...);
  // `param`: the request field at fault, empty when none.
  ApiError(int http_status, std::string code, const std::string& message, std::string param = "");

  int http_status() const { return http_status_; }
  const std::string& code() const { return code_; }
  const std::string& param() const { return param_; }
  // OpenAI's error type: invalid_request_error (4xx), rate_limit_error (429), server_error (5xx).
  std::string type() const;
  // {"error": {"message", "type", "param" (null when empty), "code"}}
  std::string to_json() const;

 private:
  int http_status_;
  std::string code_;
  std::string param_;
};

int http_status_for(ErrorCode code);
// The numeric grpc::StatusCode (INVALID_ARGUMENT = 3, NOT_FOUND = 5, ...), so that this file
// needs no gRPC headers.
int grpc_status_for(ErrorCode code);
// The gRPC status code for an HTTP status from ApiError (400 -> INVALID_ARGUMENT, ...).
int grpc_status_for_http(int http_status);

ApiError to_api_error(const Error& error);
// Any exception: ApiError as is, chatterbox::Error mapped, anything else a 500.
ApiError to_api_error(std::exception_ptr error);

}  // namespace chatterbox::server
