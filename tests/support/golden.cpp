#include "tests/support/golden.h"

#include <cstdlib>
#include <sstream>

#include "engine/io/state_dict.h"

namespace chatterbox::testing {

std::string shared_dir() {
  const char* env = std::getenv("CHATTERBOX_SHARED_DIR");
  return env && *env ? env : CHATTERBOX_DEFAULT_SHARED_DIR;
}

std::string goldens_dir() {
  return shared_dir() + "/goldens";
}
std::string audio_path(const std::string& file) {
  return shared_dir() + "/audio/" + file;
}

torch::Device test_device() {
  const char* env = std::getenv("CHATTERBOX_TEST_DEVICE");
  torch::Device device(env && *env ? env : "cpu");
  if (device.is_cuda() && !device.has_index()) device.set_index(0);
  return device;
}

torch::Tensor on_test_device(const torch::Tensor& t) {
  return t.to(test_device());
}

Golden load_golden(const std::string& name) {
  Golden g{io::SafetensorsFile::open(goldens_dir() + "/" + name + ".safetensors"), {}};
  g.meta = nlohmann::json::parse(g.file.meta_json());
  return g;
}

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kCPU, torch::kFloat64) - b.to(torch::kCPU, torch::kFloat64))
      .abs()
      .max()
      .item<double>();
}

::testing::AssertionResult TensorsClose(const char* actual_expr, const char* expected_expr,
                                        const char*, const torch::Tensor& actual,
                                        const torch::Tensor& expected, double tolerance) {
  if (actual.sizes() != expected.sizes())
    return ::testing::AssertionFailure()
           << actual_expr << " has shape " << io::shape_string(actual.sizes()) << ", "
           << expected_expr << " has shape " << io::shape_string(expected.sizes());
  if (actual.numel() == 0) return ::testing::AssertionSuccess();
  auto diff = (actual.to(torch::kCPU, torch::kFloat64) - expected.to(torch::kCPU, torch::kFloat64))
                  .abs()
                  .flatten();
  if (!torch::isfinite(actual).all().item<bool>())
    return ::testing::AssertionFailure() << actual_expr << " has non-finite values";
  int64_t where = diff.argmax().item<int64_t>();
  double worst = diff[where].item<double>();
  if (worst <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << actual_expr << " differs from " << expected_expr << " by "
                                       << worst << " (tolerance " << tolerance << ") at flat index "
                                       << where << ": " << actual.flatten()[where].item<double>()
                                       << " vs " << expected.flatten()[where].item<double>()
                                       << "; mean |diff| " << diff.mean().item<double>();
}

::testing::AssertionResult TensorsEqual(const char* actual_expr, const char* expected_expr,
                                        const torch::Tensor& actual,
                                        const torch::Tensor& expected) {
  if (actual.sizes() != expected.sizes())
    return ::testing::AssertionFailure()
           << actual_expr << " has shape " << io::shape_string(actual.sizes()) << ", "
           << expected_expr << " has shape " << io::shape_string(expected.sizes());
  auto a = actual.to(torch::kCPU, torch::kInt64).flatten();
  auto b = expected.to(torch::kCPU, torch::kInt64).flatten();
  auto mismatch = (a != b).nonzero();
  if (mismatch.numel() == 0) return ::testing::AssertionSuccess();
  int64_t i = mismatch[0][0].item<int64_t>();
  std::ostringstream os;
  os << actual_expr << " differs from " << expected_expr << " at " << mismatch.size(0)
     << " positions; first at " << i << ": " << a[i].item<int64_t>() << " vs "
     << b[i].item<int64_t>();
  return ::testing::AssertionFailure() << os.str();
}

}  // namespace chatterbox::testing
