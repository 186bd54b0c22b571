#include "engine/io/torch_archive.h"

#include <gtest/gtest.h>

#include <caffe2/serialize/inline_container.h>

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

// A pickle written opcode by opcode, for archives a pickler would never write.
class Pickle {
 public:
  Pickle() { bytes_ = "\x80\x02"; }  // PROTO 2
  Pickle& op(const std::string& code) {
    bytes_ += code;
    return *this;
  }
  Pickle& global(const std::string& module, const std::string& name) {
    return op("c" + module + "\n" + name + "\n");
  }
  Pickle& text(const std::string& value) {
    return op("X").op(little_endian(value.size(), 4)).op(value);
  }
  Pickle& int1(uint8_t value) { return op("K").op(little_endian(value, 1)); }  // may be 0
  Pickle& int2(uint32_t value) { return op("M").op(little_endian(value, 2)); }
  Pickle& long_binput(uint32_t index) { return op("r").op(little_endian(index, 4)); }
  // _rebuild_tensor_v2 of a 1-D float tensor of `numel` over storage "0" claiming `numel`.
  Pickle& float_tensor(uint32_t numel) {
    global("torch._utils", "_rebuild_tensor_v2").op("((");
    text("storage").global("torch", "FloatStorage").text("0").text("cpu").int2(numel);
    op("tQ").int1(0).op("(").int2(numel).op("t(").int1(1).op("t\x89");  // offset, size, stride
    return global("collections", "OrderedDict").op(")Rt").op("R");
  }
  std::string done() const { return bytes_ + "."; }  // STOP
  std::string bytes() const { return bytes_; }

 private:
  static std::string little_endian(uint64_t value, int width) {
    std::string out;
    for (int i = 0; i < width; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
    return out;
  }
  std::string bytes_;
};

// A torch.save archive holding `pickle` and one storage record "0" of `storage` bytes.
std::string write_archive(testing::TempDir& dir, const std::string& name, const std::string& pickle,
                          const std::string& storage) {
  const std::string path = dir.file(name);
  caffe2::serialize::PyTorchStreamWriter writer(path);
  writer.writeRecord("data.pkl", pickle.data(), pickle.size());
  writer.writeRecord("data/0", storage.data(), storage.size());
  writer.writeEndOfFile();
  return path;
}

ErrorCode read_error(const std::string& path, const std::string& expected) {
  try {
    io::read_torch_archive(path);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    return e.code();
  }
  ADD_FAILURE() << path << " was read";
  return ErrorCode::kInternal;
}

TEST(TorchArchive, AStorageRecordIsReadAsItsPickleDescribesIt) {
  testing::TempDir dir;
  const float values[4] = {1.5f, -2.f, 3.f, 0.25f};
  const std::string storage(reinterpret_cast<const char*>(values), sizeof values);
  const auto value = io::read_torch_archive(
      write_archive(dir, "four.pt", Pickle().float_tensor(4).done(), storage));
  ASSERT_TRUE(value.isTensor());
  EXPECT_TRUE(torch::equal(value.toTensor(), torch::tensor({1.5f, -2.f, 3.f, 0.25f})));
}

TEST(TorchArchive, AStorageClaimingMoreThanItsRecordIsCorrupt) {
  // 16384 floats over a record of 16 bytes: the tensor would read 64 KB past its buffer.
  testing::TempDir dir;
  const auto path =
      write_archive(dir, "claims.pt", Pickle().float_tensor(16384).done(), std::string(16, '\0'));
  EXPECT_EQ(read_error(path, "claims 65536 bytes, its record holds 16"), ErrorCode::kCorruptData);
}

TEST(TorchArchive, PickleNumbersBeyondTheStreamAreCorruptBeforeAnythingIsAllocated) {
  // A memo index of 1.26e9 made libtorch's unpickler size its memo table at 20 GB (a fuzzer's
  // find); a 4 GB string length would allocate the string first.
  testing::TempDir dir;
  const std::string storage(16, '\0');
  const auto memo =
      write_archive(dir, "memo.pt", Pickle().op("}").long_binput(1258907671).done(), storage);
  EXPECT_EQ(read_error(memo, "a memo index of 1258907671"), ErrorCode::kCorruptData);
  const auto length =
      write_archive(dir, "length.pt", Pickle().op("X\xff\xff\xff\xff").done(), storage);
  EXPECT_EQ(read_error(length, "an argument of 4294967295 bytes"), ErrorCode::kCorruptData);
  const auto unended = write_archive(dir, "unended.pt", Pickle().op("}").bytes(), storage);
  EXPECT_EQ(read_error(unended, "no STOP opcode"), ErrorCode::kCorruptData);
  const auto unknown = write_archive(dir, "unknown.pt", Pickle().op("\xfe").done(), storage);
  EXPECT_EQ(read_error(unknown, "an unknown opcode 254"), ErrorCode::kCorruptData);
}

}  // namespace
}  // namespace chatterbox
