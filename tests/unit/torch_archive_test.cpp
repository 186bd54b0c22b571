#include "engine/io/torch_archive.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "engine/io/state_dict.h"
#include "tests/support/golden.h"
#include "tests/support/temp_dir.h"

namespace chatterbox {
namespace {

TEST(TorchArchive, LoadsConditionalsSavedFromCudaOnTheCpu) {
  c10::IValue root = io::read_torch_archive(testing::goldens_dir() + "/conds_cuda_saved.pt");
  ASSERT_TRUE(root.isGenericDict());
  auto dict = root.toGenericDict();
  auto t3 = dict.at("t3").toGenericDict();
  auto gen = dict.at("gen").toGenericDict();
  EXPECT_TRUE(t3.at("clap_emb").isNone());
  EXPECT_TRUE(gen.at("prompt_feat_len").isNone());
  auto speaker = t3.at("speaker_emb").toTensor();
  EXPECT_EQ(speaker.device(), torch::Device(torch::kCPU));

  auto e2e = testing::load_golden("e2e_base");
  EXPECT_TENSORS_CLOSE(speaker, e2e["t3_speaker_emb"], 0.0);
  EXPECT_TENSORS_EQUAL(t3.at("cond_prompt_speech_tokens").toTensor(), e2e["t3_prompt_tokens"]);
  EXPECT_EQ(gen.at("prompt_token").toTensor().scalar_type(), torch::kInt64);
  EXPECT_TENSORS_EQUAL(gen.at("prompt_token").toTensor(), e2e["gen_prompt_token"]);
  EXPECT_TENSORS_CLOSE(gen.at("prompt_feat").toTensor(), e2e["gen_prompt_feat"], 0.0);
  EXPECT_TENSORS_CLOSE(gen.at("embedding").toTensor(), e2e["gen_embedding"], 0.0);
  EXPECT_NEAR(t3.at("emotion_adv").toTensor().item<float>(), 0.6f, 1e-7);
}

TEST(TorchArchive, LoadsAStateDictSavedFromCudaWithTheManifestKeys) {
  auto sd = io::StateDict::load(testing::goldens_dir() + "/ve_cuda_saved.pt");
  std::ifstream in(testing::goldens_dir() + "/manifest_ve.json");
  auto manifest = nlohmann::json::parse(in);
  EXPECT_EQ(sd.size(), manifest.size());
  for (auto it = manifest.begin(); it != manifest.end(); ++it) {
    auto shape = it.value()["shape"].get<std::vector<int64_t>>();
    EXPECT_EQ(sd.get(it.key()).sizes().vec(), shape) << it.key();
  }
}

TEST(TorchArchive, WritesArchivesItReadsBack) {
  testing::TempDir dir;
  auto path = dir.file("roundtrip.pt");
  c10::impl::GenericDict inner(c10::StringType::get(), c10::AnyType::get());
  inner.insert("w", torch::arange(5));
  inner.insert("none", c10::IValue());
  c10::impl::GenericDict outer(c10::StringType::get(), c10::AnyType::get());
  outer.insert("inner", inner);
  outer.insert("x", torch::ones({2, 2}));
  io::write_torch_archive(path, outer);
  auto flat = io::flatten_tensors(io::read_torch_archive(path));
  ASSERT_EQ(flat.size(), 2u);
  std::map<std::string, torch::Tensor> by_key(flat.begin(), flat.end());
  EXPECT_TRUE(torch::equal(by_key.at("inner.w"), torch::arange(5)));
  EXPECT_TRUE(torch::equal(by_key.at("x"), torch::ones({2, 2})));
}

TEST(TorchArchive, CorruptOrMissingFilesGiveTypedErrorsNamingTheFile) {
  testing::TempDir dir;
  auto garbage = dir.file("garbage.pt");
  testing::write_bytes(garbage, "this is not a zip archive");
  try {
    io::read_torch_archive(garbage);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
    EXPECT_NE(std::string(e.what()).find(garbage), std::string::npos);
  }
  // A truncated real archive.
  auto src = testing::goldens_dir() + "/conds_cuda_saved.pt";
  auto cut = dir.file("cut.pt");
  testing::copy_truncated(src, cut, fs::file_size(src) / 2);
  try {
    io::read_torch_archive(cut);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCorruptData);
  }
  try {
    io::read_torch_archive(dir.file("absent.pt"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

}  // namespace
}  // namespace chatterbox
