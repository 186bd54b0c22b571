#include "engine/pipeline/precision.h"

#include "engine/common/error.h"

namespace chatterbox::pipeline {

Precision parse_precision(const std::string& name) {
  if (name == "auto") return Precision::kAuto;
  if (name == "fp32") return Precision::kFp32;
  if (name == "bf16") return Precision::kBf16;
  if (name == "fp16") return Precision::kFp16;
  if (name == "int8") return Precision::kInt8;
  fail(ErrorCode::kInvalidArgument,
       "precision must be auto, fp32, bf16, fp16 or int8, not \"" + name + "\"");
}

const char* precision_name(Precision precision) {
  switch (precision) {
    case Precision::kAuto:
      return "auto";
    case Precision::kFp32:
      return "fp32";
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp16:
      return "fp16";
    case Precision::kInt8:
      return "int8";
  }
  return "?";
}

torch::ScalarType t3_dtype(Precision precision, const torch::Device& device) {
  switch (precision) {
    case Precision::kAuto:
      return device.is_cuda() ? torch::kBFloat16 : torch::kFloat32;
    case Precision::kFp32:
      return torch::kFloat32;
    case Precision::kBf16:
      return torch::kBFloat16;
    case Precision::kFp16:
      return torch::kFloat16;
    case Precision::kInt8:
      return torch::kFloat32;
  }
  return torch::kFloat32;
}

bool t3_int8_rows(Precision precision) {
  return precision == Precision::kInt8;
}

torch::ScalarType flow_estimator_dtype(Precision precision, const torch::Device& device) {
  return device.is_cuda() ? t3_dtype(precision, device) : torch::kFloat32;
}

const char* dtype_name(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kBFloat16:
      return "bfloat16";
    case torch::kFloat16:
      return "float16";
    default:
      return "float32";
  }
}

}  // namespace chatterbox::pipeline
