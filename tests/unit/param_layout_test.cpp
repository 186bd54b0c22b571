#include "engine/io/param_layout.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

TEST(ParamLayout, EmbeddedLayoutsEqualTheReferenceManifests) {
  for (const char* name : {"t3_base", "t3_mtl", "t3_turbo", "s3gen_base", "s3gen_meanflow", "ve"}) {
    std::ifstream in(testing::goldens_dir() + "/manifest_" + name + ".json");
    auto manifest = nlohmann::json::parse(in);
    const io::ParamLayout layout = io::param_layout(name);
    ASSERT_EQ(layout.size(), manifest.size()) << name;
    for (const auto& spec : layout) {
      ASSERT_TRUE(manifest.contains(spec.key)) << name << ": " << spec.key;
      EXPECT_EQ(spec.shape, manifest[spec.key]["shape"].get<std::vector<int64_t>>()) << spec.key;
    }
  }
}

TEST(ParamLayout, NanoIsGpt2SmallWithTwelveLayers) {
  const io::ParamLayout nano = io::param_layout("t3_nano");
  EXPECT_EQ(nano.size(), 155u);
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& spec : nano) shapes[spec.key] = spec.shape;
  EXPECT_EQ(shapes.at("tfmr.wpe.weight"), (std::vector<int64_t>{8196, 768}));
  EXPECT_EQ(shapes.at("tfmr.h.11.attn.c_attn.weight"), (std::vector<int64_t>{768, 2304}));
  EXPECT_EQ(shapes.at("tfmr.h.0.mlp.c_fc.weight"), (std::vector<int64_t>{768, 3072}));
  EXPECT_EQ(shapes.at("tfmr.h.0.mlp.c_proj.weight"), (std::vector<int64_t>{3072, 768}));
  EXPECT_EQ(shapes.at("speech_head.weight"), (std::vector<int64_t>{6563, 768}));
  EXPECT_EQ(shapes.at("cond_enc.spkr_enc.weight"), (std::vector<int64_t>{768, 256}));
  EXPECT_EQ(shapes.count("tfmr.h.12.ln_1.weight"), 0u);
}

TEST(ParamLayout, CheckLayoutNamesTheOffendingKey) {
  io::StateDict dict = io::pattern_state_dict("ve");
  EXPECT_NO_THROW(io::check_layout(dict, io::param_layout("ve")));
  io::StateDict broken("broken.safetensors");
  for (const auto& key : dict.keys())
    if (key != "proj.weight") broken.insert(key, dict.get(key));
  try {
    io::check_layout(broken, io::param_layout("ve"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("proj.weight"), std::string::npos) << e.what();
  }
  EXPECT_THROW(io::param_layout("no_such_model"), Error);
}

}  // namespace
}  // namespace chatterbox
