#pragma once

namespace chatterbox::runtime {

// Whether float32 matrix products and convolutions on CUDA may use TF32 tensor cores. libtorch
// allows TF32 in cuDNN convolutions by default, which moves S3Gen's mel by ~2e-3 and HiFT's
// waveform by ~2e-2 from the float32 reference; chatterboxd therefore starts with it off
// (exact float32) and offers it as a speed option.
void set_allow_tf32(bool allow);

// Whether cuDNN must use deterministic algorithms. Some of its transposed-convolution algorithms
// (HiFT's upsampling) accumulate with atomics, so the same seed would give audio that differs in
// the last bits from run to run; chatterboxd starts with determinism on.
void set_deterministic_kernels(bool deterministic);

}  // namespace chatterbox::runtime
