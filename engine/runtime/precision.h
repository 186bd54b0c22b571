#pragma once

namespace chatterbox::runtime {

// Whether float32 matrix products and convolutions on CUDA may use TF32 tensor cores. libtorch
// allows TF32 in cuDNN convolutions by default, which moves S3Gen's mel by ~2e-3 and HiFT's
// waveform by ~2e-2 from the float32 reference; chatterboxd therefore starts with it off
// (exact float32) and offers it as a speed option.
void set_allow_tf32(bool allow);

}  // namespace chatterbox::runtime
