#include "engine/io/safetensors.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/common/error.h"
#include "engine/io/state_dict.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

class SafetensorsTest : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.file(name); }

  void write_raw(const std::string& file, const std::string& header, size_t data_bytes) {
    std::ofstream out(path(file), std::ios::binary);
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out.put(static_cast<char>(n >> (8 * i)));
    out << header << std::string(data_bytes, '\0');
  }

  ErrorCode open_error(const std::string& file, std::string* message) {
    try {
      io::SafetensorsFile::open(path(file));
    } catch (const Error& e) {
      *message = e.what();
      return e.code();
    }
    ADD_FAILURE() << "no error for " << file;
    return ErrorCode::kInternal;
  }

  testing::TempDir dir_;
};

TEST_F(SafetensorsTest, RoundTripsEveryDtypeWithMetadata) {
  io::NamedTensors tensors = {
      {"f32", torch::arange(6, torch::kFloat32).reshape({2, 3})},
      {"f64", torch::tensor({1.5, -2.5}, torch::kFloat64)},
      {"f16", torch::tensor({0.5f, 1.0f}).to(torch::kFloat16)},
      {"bf16", torch::tensor({0.25f, 3.0f}).to(torch::kBFloat16)},
      {"i64", torch::tensor({int64_t{1} << 40, int64_t{-3}})},
      {"i32", torch::tensor({7, -8}, torch::kInt32)},
      {"i16", torch::tensor({9, -10}, torch::kInt16)},
      {"i8", torch::tensor({11, -12}, torch::kInt8)},
      {"u8", torch::tensor({13, 250}, torch::kUInt8)},
      {"bool", torch::tensor({true, false})},
      {"scalar", torch::tensor(4.0f)},
      {"empty", torch::zeros({0, 3})},
  };
  io::save_safetensors(path("all.safetensors"), tensors, {{"meta", "{\"x\": 1}"}});
  auto file = io::SafetensorsFile::open(path("all.safetensors"));
  EXPECT_EQ(file.keys().size(), tensors.size());
  EXPECT_EQ(file.meta_json(), "{\"x\": 1}");
  for (const auto& [name, expected] : tensors) {
    torch::Tensor actual = file.tensor(name);
    EXPECT_EQ(actual.scalar_type(), expected.scalar_type()) << name;
    EXPECT_TRUE(torch::equal(actual, expected)) << name;
  }
}

TEST_F(SafetensorsTest, TensorsStayValidAfterTheFileObjectIsGone) {
  io::save_safetensors(path("a.safetensors"), {{"x", torch::ones({4})}});
  torch::Tensor t;
  { t = io::SafetensorsFile::open(path("a.safetensors")).tensor("x"); }
  EXPECT_EQ(t.sum().item<float>(), 4.0f);
}

TEST_F(SafetensorsTest, RejectsCorruptFilesWithTheFileNameAndTheDefect) {
  struct Case {
    std::string header;
    size_t data;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"{not json", 0, "not valid JSON"},
      {"[1,2]", 0, "not a JSON object"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", 4, "truncated"},
      {R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8, "does not match"},
      {R"({"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}})", 8, "unsupported dtype"},
      {R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", 8, "non-negative"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", 8, "ends before"},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
       12, "overlap"},
      {R"({"a":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"data_offsets":[0,8]}})",
       8, "too large"},
      {R"({"a":{"shape":[2],"data_offsets":[0,8]}})", 8, "no dtype"},
      {R"({"__metadata__":{"k":1}})", 0, "not a string"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string file = "bad" + std::to_string(i) + ".safetensors";
    write_raw(file, cases[i].header, cases[i].data);
    std::string message;
    EXPECT_EQ(open_error(file, &message), ErrorCode::kCorruptData) << cases[i].header;
    EXPECT_NE(message.find(file), std::string::npos) << message;
    EXPECT_NE(message.find(cases[i].expect), std::string::npos) << message;
  }
}

TEST_F(SafetensorsTest, RejectsShortAndTruncatedFiles) {
  io::save_safetensors(path("good.safetensors"), {{"x", torch::ones({256})}});
  size_t size = fs::file_size(path("good.safetensors"));
  for (size_t keep : {size_t{0}, size_t{5}, size_t{20}, size - 1}) {
    testing::copy_truncated(path("good.safetensors"), path("cut.safetensors"), keep);
    std::string message;
    EXPECT_EQ(open_error("cut.safetensors", &message), ErrorCode::kCorruptData) << keep;
  }
}

TEST_F(SafetensorsTest, MissingFileIsNotFound) {
  std::string message;
  EXPECT_EQ(open_error("absent.safetensors", &message), ErrorCode::kNotFound);
}

TEST_F(SafetensorsTest, StateDictNamesMissingKeysAndWrongShapes) {
  io::save_safetensors(path("sd.safetensors"), {{"layer.weight", torch::ones({2, 3})}});
  auto sd = io::StateDict::load(path("sd.safetensors"));
  EXPECT_EQ(sd.get("layer.weight", {2, 3}).sum().item<float>(), 6.0f);
  EXPECT_EQ(sd.sub("layer.").keys(), std::vector<std::string>{"weight"});
  try {
    sd.get("layer.weight", {3, 2});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'layer.weight' has shape [2, 3], expected [3, 2]"),
              std::string::npos)
        << e.what();
  }
  try {
    sd.get("layer.bias");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("lacks the key 'layer.bias'"), std::string::npos);
  }
}

}  // namespace
}  // namespace chatterbox
