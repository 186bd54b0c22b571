#include "bench/bench_context.h"

#include <algorithm>

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/io/pattern_checkpoint.h"
#include "engine/log/log.h"
#include "engine/runtime/device.h"

namespace chatterbox::bench {
namespace {

BenchConfig& mutable_config() {
  static BenchConfig instance;
  return instance;
}

torch::Device& chosen_device() {
  static torch::Device instance = torch::kCPU;
  return instance;
}

std::string default_cache_dir() {
  const char* tmp = std::getenv("TMPDIR");
  return fs::join(tmp && *tmp ? tmp : "/tmp", "chatterbox-bench");
}

}  // namespace

void configure(const BenchConfig& config) {
  mutable_config() = config;
  if (mutable_config().cache_dir.empty()) mutable_config().cache_dir = default_cache_dir();
  const runtime::DeviceChoice choice = runtime::choose_device(config.device);
  if (!choice.fallback_reason.empty())
    fail(ErrorCode::kUnsupported, "device " + config.device + ": " + choice.fallback_reason);
  chosen_device() = choice.device;
}

const BenchConfig& config() {
  return mutable_config();
}

torch::Device device() {
  return chosen_device();
}

io::CheckpointFiles checkpoint(Variant variant) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (!config().model_dir.empty()) return io::locate_checkpoint(config().model_dir, variant);
  const std::string dir = fs::join(config().cache_dir, variant_name(variant));
  if (!fs::exists(fs::join(dir, "PATTERN_MODEL.json"))) {
    log::info("writing the " + std::string(variant_name(variant)) + " pattern model to " + dir);
    fs::create_directories(dir);
    io::write_pattern_checkpoint(dir, variant);
  }
  return io::locate_checkpoint(dir, variant);
}

void synchronize() {
  if (device().is_cuda()) torch::cuda::synchronize();
}

void parse_table_options(const std::string& table, int argc, char** argv,
                         const std::function<bool(const std::string&, const std::string&)>& take) {
  for (int i = 0; i < argc; i += 2) {
    const std::string name = argv[i];
    if (i + 1 >= argc) fail(ErrorCode::kInvalidArgument, table + ": " + name + " needs a value");
    bool known = false;
    try {
      known = take(name, argv[i + 1]);
    } catch (const std::logic_error&) {  // std::stoll's invalid_argument and out_of_range
      fail(ErrorCode::kInvalidArgument, table + ": " + name + " takes numbers, not " + argv[i + 1]);
    }
    if (!known) fail(ErrorCode::kInvalidArgument, table + ": unknown option " + name);
  }
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<std::string> choice_list(const std::string& option, const std::string& list,
                                     const std::vector<std::string>& allowed) {
  const auto items = split_list(list);
  for (const auto& item : items)
    if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
      std::string names;
      for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
      fail(ErrorCode::kInvalidArgument,
           option + " takes " + names + " or a list of them, not \"" + item + "\"");
    }
  return items;
}

bool on_off(const std::string& option, const std::string& value) {
  if (value != "on" && value != "off")
    fail(ErrorCode::kInvalidArgument, option + " takes on or off, not \"" + value + "\"");
  return value == "on";
}

std::vector<int64_t> count_list(const std::string& list, int64_t minimum) {
  std::vector<int64_t> out;
  for (const auto& item : split_list(list)) {
    out.push_back(std::stoll(item));
    if (out.back() < minimum)
      fail(ErrorCode::kInvalidArgument,
           "counts must be at least " + std::to_string(minimum) + ": " + list);
  }
  if (out.empty()) fail(ErrorCode::kInvalidArgument, "an empty list");
  return out;
}

std::vector<Variant> variant_list(const std::string& list) {
  std::vector<Variant> out;
  for (const auto& item : split_list(list)) out.push_back(parse_variant(item));
  return out;
}

std::vector<pipeline::Precision> precision_list(const std::string& list) {
  std::vector<pipeline::Precision> out;
  for (const auto& item : split_list(list)) out.push_back(pipeline::parse_precision(item));
  return out;
}

}  // namespace chatterbox::bench
