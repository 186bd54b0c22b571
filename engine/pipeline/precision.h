#pragma once
// The precision a model computes in. Reduced precision applies to the T3 transformer (its
// weights, activations and KV cache) and, on CUDA, to S3Gen's CFM estimator; norms' statistics,
// sampling, the flow encoder, the Euler integration and HiFT stay in float32. int8 is for the
// CPU: T3's decode steps multiply by int8 copies of its transformer's weights (one scale per
// output row), and everything else computes in float32.

#include <torch/torch.h>

#include <string>

namespace chatterbox::pipeline {

enum class Precision {
  kAuto,  // bfloat16 on CUDA, float32 on the CPU and MPS
  kFp32,
  kBf16,
  kFp16,
  kInt8,  // the CPU only
};

// "auto", "fp32", "bf16", "fp16", "int8"; anything else is Error(kInvalidArgument).
Precision parse_precision(const std::string& name);
const char* precision_name(Precision precision);

// The dtype T3 computes in on `device`.
torch::ScalarType t3_dtype(Precision precision, const torch::Device& device);
// Whether T3's decode steps use int8 weights (models/t3/int8_rows.h).
bool t3_int8_rows(Precision precision);
// The dtype the flow's CFM estimator computes in on `device`: T3's on CUDA, float32 elsewhere
// (reduced-precision convolutions on the CPU are not what it is measured with).
torch::ScalarType flow_estimator_dtype(Precision precision, const torch::Device& device);
// "float32", "bfloat16", "float16".
const char* dtype_name(torch::ScalarType dtype);

}  // namespace chatterbox::pipeline
