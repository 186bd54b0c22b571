#pragma once
// What every benchmark shares: the device, the checkpoint of each variant (a real one given with
// --model-dir, else a pattern model written once under the cache directory), and a clock that
// waits for the device to finish.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/common/variant.h"
#include "engine/io/checkpoint_dir.h"

namespace chatterbox::bench {

struct BenchConfig {
  std::string device = "auto";
  std::string model_dir;  // one variant's checkpoint; empty: pattern models
  std::string cache_dir;  // where pattern models are written (default $TMPDIR/chatterbox-bench)
  int threads = 0;
};

// Parsed from (and removed out of) argv before Google Benchmark sees it.
void configure(const BenchConfig& config);
const BenchConfig& config();

torch::Device device();
// The files of `variant`'s checkpoint (writing the pattern model on first use).
io::CheckpointFiles checkpoint(Variant variant);
// Blocks until queued GPU work is done, so a timed iteration includes it.
void synchronize();

// "a,b,c" -> {"a", "b", "c"} (a table's list options).
std::vector<std::string> split_list(const std::string& list);

}  // namespace chatterbox::bench
