#pragma once
// chatterbox-bench stages: where one S3Gen decode of a batch of stream chunks spends its time on
// the device, as the engine's audio worker calls it (the checkpoint's built-in voice as every
// row's prompt): the flow's encoder and projections, the CFM estimator (per step and in all),
// and HiFT, per variant, precision, batch and chunk length. Each part is timed to the device's
// completion; the encoder's share is the flow with one estimator step less that step.

namespace chatterbox::bench {

// argv after "stages": --variants turbo,original --precisions bf16 --batches 1,16,64
//                      --chunk-tokens 12,48,100 --graphs on,off --cudnn deterministic,benchmark
//                      --tf32 off,on
//                      --reps 5 --kernels off|on
int run_stages_table(int argc, char** argv);

}  // namespace chatterbox::bench
