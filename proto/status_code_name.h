#pragma once
// The name of a gRPC status code as the gRPC documentation spells it ("INVALID_ARGUMENT"), for
// logs and error messages on both sides of the API.

#include <grpcpp/grpcpp.h>

namespace chatterbox::proto {

const char* status_code_name(grpc::StatusCode code);

}  // namespace chatterbox::proto
