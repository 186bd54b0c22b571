#include "server/api_error.h"

#include <nlohmann/json.hpp>

namespace chatterbox::server {
namespace {

// grpc::StatusCode values (grpcpp/support/status_code_enum.h); fixed by the gRPC protocol.
constexpr int kGrpcCancelled = 1;
constexpr int kGrpcUnknown = 2;
constexpr int kGrpcInvalidArgument = 3;
constexpr int kGrpcDeadlineExceeded = 4;
constexpr int kGrpcNotFound = 5;
constexpr int kGrpcResourceExhausted = 8;
constexpr int kGrpcAlreadyExists = 6;
constexpr int kGrpcUnimplemented = 12;
constexpr int kGrpcInternal = 13;
constexpr int kGrpcUnavailable = 14;
constexpr int kGrpcUnauthenticated = 16;

}  // namespace

ApiError::ApiError(int http_status, std::string code, const std::string& message, std::string param)
    : std::runtime_error(message),
      http_status_(http_status),
      code_(std::move(code)),
      param_(std::move(param)) {}

std::string ApiError::type() const {
  if (http_status_ == 429) return "rate_limit_error";
  if (http_status_ >= 500) return "server_error";
  return "invalid_request_error";
}

std::string ApiError::to_json() const {
  nlohmann::json error = {{"message", what()}, {"type", type()}, {"code", code_}};
  error["param"] = param_.empty() ? nlohmann::json(nullptr) : nlohmann::json(param_);
  // Messages may quote user input that is not UTF-8: replace rather than throw.
  return nlohmann::json{{"error", error}}.dump(-1, ' ', false,
                                               nlohmann::json::error_handler_t::replace);
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kUnsupported:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kCorruptData:
      return 422;  // a clip or file that cannot be decoded
    case ErrorCode::kResourceExhausted:
      return 429;
    case ErrorCode::kCancelled:
      return 499;  // client closed request (nginx's convention)
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kDeadlineExceeded:
      return 504;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

int grpc_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kCorruptData:
      return kGrpcInvalidArgument;
    case ErrorCode::kNotFound:
      return kGrpcNotFound;
    case ErrorCode::kUnsupported:
      return kGrpcUnimplemented;
    case ErrorCode::kResourceExhausted:
      return kGrpcResourceExhausted;
    case ErrorCode::kUnavailable:
      return kGrpcUnavailable;
    case ErrorCode::kCancelled:
      return kGrpcCancelled;
    case ErrorCode::kDeadlineExceeded:
      return kGrpcDeadlineExceeded;
    case ErrorCode::kInternal:
      return kGrpcInternal;
  }
  return kGrpcInternal;
}

int grpc_status_for_http(int http_status) {
  switch (http_status) {
    case 400:
    case 413:
    case 422:
      return kGrpcInvalidArgument;
    case 401:
      return kGrpcUnauthenticated;
    case 404:
      return kGrpcNotFound;
    case 409:
      return kGrpcAlreadyExists;
    case 429:
      return kGrpcResourceExhausted;
    case 499:
      return kGrpcCancelled;
    case 501:
      return kGrpcUnimplemented;
    case 503:
      return kGrpcUnavailable;
    case 504:
      return kGrpcDeadlineExceeded;
    default:
      return http_status >= 500 ? kGrpcInternal : kGrpcUnknown;
  }
}

ApiError to_api_error(const Error& error) {
  return ApiError(http_status_for(error.code()), error_code_name(error.code()), error.what());
}

ApiError to_api_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const ApiError& e) {
    return e;
  } catch (const Error& e) {
    return to_api_error(e);
  } catch (const std::exception& e) {
    return ApiError(500, "internal", std::string("internal error: ") + e.what());
  } catch (...) {
    return ApiError(500, "internal", "internal error");
  }
}

}  // namespace chatterbox::server
