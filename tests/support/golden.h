#pragma once
// Access to the reference goldens (../shared/goldens) and tensor comparisons for parity tests.

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/io/safetensors.h"

namespace chatterbox::testing {

// $CHATTERBOX_SHARED_DIR, else the shared/ folder beside the checkout.
std::string shared_dir();
std::string goldens_dir();
std::string audio_path(const std::string& file);

// The device tests run their models on: $CHATTERBOX_TEST_DEVICE ("cpu" by default, "cuda",
// "cuda:1", "mps"), so the same parity suite checks CPU and GPU builds.
torch::Device test_device();
// `t` moved to test_device().
torch::Tensor on_test_device(const torch::Tensor& t);

struct Golden {
  io::SafetensorsFile file;
  nlohmann::json meta;
  torch::Tensor operator[](const std::string& name) const { return file.tensor(name); }
  bool has(const std::string& name) const { return file.contains(name); }
};

// Opens goldens/<name>.safetensors and parses its metadata.
Golden load_golden(const std::string& name);

double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b);

// For EXPECT_PRED_FORMAT3(TensorsClose, actual, expected, tolerance): same shape and
// max |actual - expected| <= tolerance; the message gives the largest difference and where.
::testing::AssertionResult TensorsClose(const char* actual_expr, const char* expected_expr,
                                        const char* tol_expr, const torch::Tensor& actual,
                                        const torch::Tensor& expected, double tolerance);
// Same shape and exactly equal values (for token ids).
::testing::AssertionResult TensorsEqual(const char* actual_expr, const char* expected_expr,
                                        const torch::Tensor& actual, const torch::Tensor& expected);

}  // namespace chatterbox::testing

#define EXPECT_TENSORS_CLOSE(actual, expected, tol) \
  EXPECT_PRED_FORMAT3(::chatterbox::testing::TensorsClose, actual, expected, tol)
#define EXPECT_TENSORS_EQUAL(actual, expected) \
  EXPECT_PRED_FORMAT2(::chatterbox::testing::TensorsEqual, actual, expected)
