#pragma once
// chatterbox-bench t3: the T3 decode step on its slot cache, per variant and precision, at
// several batch sizes and step modes, printed as a table (ms per step, tokens/s over the batch,
// KV cache size, peak GPU memory).

namespace chatterbox::bench {

// argv after "t3": --variants original,turbo --precisions fp32,bf16 --batches 1,8,32,64
//                  --modes exact,bucketed,graphed --steps 50 --kernels off|on
int run_t3_table(int argc, char** argv);

}  // namespace chatterbox::bench
