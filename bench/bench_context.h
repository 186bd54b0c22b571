#pragma once
// What every benchmark shares: the device, the checkpoint of each variant (a real one given with
// --model-dir, else a pattern model written once under the cache directory), and a clock that
// waits for the device to finish.

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/common/variant.h"
#include "engine/io/checkpoint_dir.h"
#include "engine/pipeline/precision.h"

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

// The "--name value" options of a table subcommand: `take(name, value)` returns whether it knows
// the name. A name without a value, an unknown one or a bad value is Error(kInvalidArgument).
void parse_table_options(const std::string& table, int argc, char** argv,
                         const std::function<bool(const std::string&, const std::string&)>& take);
// "a,b,c" -> {"a", "b", "c"}; the list options' values.
std::vector<std::string> split_list(const std::string& list);
std::vector<int64_t> count_list(const std::string& list, int64_t minimum = 1);
// A list whose every item is one of `allowed`; otherwise Error(kInvalidArgument) naming `option`.
std::vector<std::string> choice_list(const std::string& option, const std::string& list,
                                     const std::vector<std::string>& allowed);
// "on" -> true, "off" -> false; anything else is Error(kInvalidArgument) naming `option`.
bool on_off(const std::string& option, const std::string& value);
std::vector<Variant> variant_list(const std::string& list);
std::vector<pipeline::Precision> precision_list(const std::string& list);

}  // namespace chatterbox::bench
