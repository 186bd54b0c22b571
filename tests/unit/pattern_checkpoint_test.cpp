#include "engine/io/pattern_checkpoint.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "engine/common/error.h"
#include "engine/io/checkpoint_dir.h"
#include "engine/io/pattern_weights.h"
#include "engine/io/safetensors.h"
#include "engine/io/state_dict.h"
#include "engine/io/torch_archive.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

using Shapes = std::map<std::string, std::vector<int64_t>>;

Shapes manifest_shapes(const std::string& name) {
  std::ifstream in(testing::goldens_dir() + "/manifest_" + name + ".json");
  auto manifest = nlohmann::json::parse(in);
  Shapes shapes;
  for (auto it = manifest.begin(); it != manifest.end(); ++it)
    shapes[it.key()] = it.value()["shape"].get<std::vector<int64_t>>();
  return shapes;
}

// GPT-2 small per spec/t3-and-pipelines.md 6.3, derived here independently of the engine.
Shapes nano_shapes() {
  Shapes nano;
  std::regex layer(R"(^tfmr\.h\.(\d+)\.)");
  for (auto [key, shape] : manifest_shapes("t3_turbo")) {
    std::smatch m;
    if (std::regex_search(key, m, layer) && std::stoi(m[1]) >= 12) continue;
    for (auto& d : shape) d = d == 1024 ? 768 : d == 3072 ? 2304 : d == 4096 ? 3072 : d;
    nano[key] = shape;
  }
  return nano;
}

Shapes file_shapes(const std::string& path) {
  Shapes shapes;
  auto dict = io::StateDict::load(path);
  for (const auto& [key, t] : dict.tensors()) shapes[key] = t.sizes().vec();
  return shapes;
}

class PatternCheckpointTest : public ::testing::Test {
 protected:
  std::string dir() const { return dir_.path(); }

  void expect_conds(const std::string& path, int64_t t3_prompt_len) {
    auto root = io::read_torch_archive(path).toGenericDict();
    auto t3 = root.at("t3").toGenericDict();
    auto gen = root.at("gen").toGenericDict();
    EXPECT_EQ(t3.at("speaker_emb").toTensor().sizes().vec(), (std::vector<int64_t>{1, 256}));
    auto tokens = t3.at("cond_prompt_speech_tokens").toTensor();
    EXPECT_EQ(tokens.size(1), t3_prompt_len);
    EXPECT_GE(tokens.min().item<int64_t>(), 0);
    EXPECT_LT(tokens.max().item<int64_t>(), 6561);
    auto prompt_token = gen.at("prompt_token").toTensor();
    EXPECT_EQ(gen.at("prompt_feat").toTensor().size(1), 2 * prompt_token.size(1));
    EXPECT_EQ(gen.at("embedding").toTensor().sizes().vec(), (std::vector<int64_t>{1, 192}));
  }

  testing::TempDir dir_;
};

TEST_F(PatternCheckpointTest, OriginalHasThePublishedFilesKeysAndShapes) {
  io::write_pattern_checkpoint(dir(), Variant::kOriginal);
  auto files = io::locate_checkpoint(dir(), Variant::kOriginal);
  EXPECT_TRUE(files.pattern_model);
  EXPECT_EQ(file_shapes(files.voice_encoder), manifest_shapes("ve"));
  EXPECT_EQ(file_shapes(files.t3), manifest_shapes("t3_base"));
  EXPECT_EQ(file_shapes(files.s3gen), manifest_shapes("s3gen_base"));
  std::ifstream tok(files.tokenizer);
  EXPECT_EQ(nlohmann::json::parse(tok)["model"]["vocab"].size(), 704u);
  expect_conds(files.conds, 150);
}

TEST_F(PatternCheckpointTest, MultilingualWritesTorchArchivesWithTheManifestKeys) {
  io::write_pattern_checkpoint(dir(), Variant::kMultilingual);
  auto files = io::locate_checkpoint(dir(), Variant::kMultilingual);
  EXPECT_EQ(fs::file_name(files.voice_encoder), "ve.pt");
  EXPECT_EQ(file_shapes(files.voice_encoder), manifest_shapes("ve"));
  EXPECT_EQ(file_shapes(files.t3), manifest_shapes("t3_mtl"));
  EXPECT_EQ(fs::file_name(files.s3gen), "s3gen.pt");
  EXPECT_EQ(file_shapes(files.s3gen), manifest_shapes("s3gen_base"));
  expect_conds(files.conds, 150);
}

TEST_F(PatternCheckpointTest, TurboAndNanoShipTheGpt2TokenizerFileSet) {
  io::write_pattern_checkpoint(dir(), Variant::kTurbo);
  auto turbo = io::locate_checkpoint(dir(), Variant::kTurbo);
  EXPECT_EQ(file_shapes(turbo.t3), manifest_shapes("t3_turbo"));
  EXPECT_EQ(file_shapes(turbo.s3gen), manifest_shapes("s3gen_meanflow"));
  EXPECT_EQ(file_shapes(turbo.voice_encoder), manifest_shapes("ve"));
  expect_conds(turbo.conds, 375);
  std::ifstream ours(dir_.file("vocab.json"));
  std::ifstream golden(testing::goldens_dir() + "/turbo_tokenizer/vocab.json");
  EXPECT_EQ(nlohmann::json::parse(ours), nlohmann::json::parse(golden));
  testing::TempDir nano_dir;
  io::write_pattern_checkpoint(nano_dir.path(), Variant::kNano);
  auto nano = io::locate_checkpoint(nano_dir.path(), Variant::kNano);
  EXPECT_EQ(file_shapes(nano.t3), nano_shapes());
  EXPECT_EQ(file_shapes(nano.s3gen), manifest_shapes("s3gen_meanflow"));
}

TEST_F(PatternCheckpointTest, PatternWeightsInFilesFollowTheRule) {
  io::write_pattern_checkpoint(dir(), Variant::kVoiceConversion);
  auto s3gen = io::SafetensorsFile::open(dir_.file("s3gen.safetensors"));
  // Spot checks: a weight-norm magnitude, a BN running variance, a conv weight.
  for (const char* key : {"mel2wav.conv_pre.parametrizations.weight.original0",
                          "speaker_encoder.head.bn1.running_var", "flow.encoder_proj.weight"}) {
    ASSERT_TRUE(s3gen.contains(key)) << key;
    auto t = s3gen.tensor(key);
    EXPECT_TRUE(torch::equal(t, io::pattern_tensor(key, t.sizes().vec()))) << key;
  }
}

TEST(CheckpointDir, NamesEveryMissingFileAndItsPurpose) {
  testing::TempDir dir;
  testing::write_bytes(dir.file("tokenizer.json"), "{}");
  try {
    io::locate_checkpoint(dir.path(), Variant::kOriginal);
    FAIL();
  } catch (const Error& e) {
    std::string msg = e.what();
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(msg.find("t3_cfg.safetensors (T3 weights)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("s3gen.safetensors"), std::string::npos) << msg;
    EXPECT_NE(msg.find("ve.safetensors"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("tokenizer.json"), std::string::npos) << msg;
  }
  EXPECT_THROW(io::locate_checkpoint(dir.file("absent"), Variant::kTurbo), Error);
  EXPECT_THROW(io::locate_checkpoint(dir.path(), Variant::kMultilingual, {"v9"}), Error);
  EXPECT_EQ(io::required_files(Variant::kMultilingual, {"v3"})[1], "t3_mtl23ls_v3.safetensors");
}

TEST(VariantNames, ParseAndPrint) {
  for (Variant v : all_variants()) EXPECT_EQ(parse_variant(variant_name(v)), v);
  EXPECT_EQ(parse_variant("english"), Variant::kOriginal);
  try {
    parse_variant("mega");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("turbo"), std::string::npos);
  }
}

}  // namespace
}  // namespace chatterbox
