#include "server/voice_library.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <regex>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "tests/support/temp_dir.h"

namespace chatterbox::server {
namespace {

using chatterbox::testing::TempDir;
using chatterbox::testing::write_bytes;

// Shapes as Conditionals::validate wants them; `seed` makes voices tell apart.
pipeline::Conditionals small_voice(float seed, bool with_t3 = true) {
  pipeline::Conditionals c;
  if (with_t3) {
    c.t3.speaker_emb = torch::full({1, 256}, seed);
    c.t3.cond_prompt_speech_tokens = torch::arange(6, torch::kLong).reshape({1, 6});
    c.t3.emotion_adv = torch::full({1, 1, 1}, 0.5f);
  }
  c.gen.prompt_token = torch::arange(4, torch::kLong).reshape({1, 4});
  c.gen.prompt_token_len = torch::tensor({int64_t{4}});
  c.gen.prompt_feat = torch::full({1, 8, 80}, seed);
  c.gen.embedding = torch::full({1, 192}, seed);
  return c;
}

ErrorCode code_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ErrorCode::kInternal;  // "did not throw" reads as a failure below
}

TEST(VoiceLibrary, CreatesListsAndLoadsAVoice) {
  TempDir dir;
  VoiceLibrary library(dir.file("voices"));  // made when missing
  const VoiceInfo info = library.create("narrator_1", Variant::kTurbo, small_voice(0.25f), 12.5);
  EXPECT_EQ(info.name, "narrator_1");
  EXPECT_TRUE(std::regex_match(info.created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << info.created;
  EXPECT_TRUE(fs::is_regular_file(dir.file("voices/narrator_1.safetensors")));
  EXPECT_TRUE(fs::is_regular_file(dir.file("voices/narrator_1.json")));

  VoiceLibrary reopened(dir.file("voices"));
  const auto voices = reopened.list();
  ASSERT_EQ(voices.size(), 1u);
  EXPECT_EQ(voices[0].name, "narrator_1");
  EXPECT_EQ(voices[0].variant, Variant::kTurbo);
  EXPECT_DOUBLE_EQ(voices[0].source_seconds, 12.5);
  EXPECT_EQ(voices[0].created, info.created);
  const auto voice = reopened.get("narrator_1", Variant::kTurbo);
  EXPECT_FLOAT_EQ(voice->t3.speaker_emb[0][0].item<float>(), 0.25f);
  EXPECT_EQ(voice.get(), reopened.get("narrator_1", Variant::kTurbo).get()) << "cached";
}

TEST(VoiceLibrary, RefusesBadNamesSoNoPathLeavesTheDirectory) {
  TempDir dir;
  VoiceLibrary library(dir.path());
  for (const std::string& name :
       std::vector<std::string>{"", "../escape", "a/b", ".hidden", "x.json", "sp ace", "ü",
                                std::string(65, 'a'), std::string("nul\0x", 5)}) {
    EXPECT_EQ(code_of([&] { library.create(name, Variant::kTurbo, small_voice(1), 6); }),
              ErrorCode::kInvalidArgument)
        << name;
    EXPECT_EQ(code_of([&] { library.get(name, Variant::kTurbo); }), ErrorCode::kInvalidArgument);
    EXPECT_EQ(code_of([&] { library.remove(name); }), ErrorCode::kInvalidArgument);
  }
  EXPECT_NO_THROW(library.create(std::string(64, 'Z'), Variant::kTurbo, small_voice(1), 6));
  EXPECT_NO_THROW(library.create("A-b_9", Variant::kTurbo, small_voice(1), 6));
  EXPECT_EQ(fs::list_directory(dir.path()).size(), 4u);
  EXPECT_FALSE(fs::exists(fs::join(fs::parent_path(dir.path()), "escape.json")));
}

TEST(VoiceLibrary, RefusesDuplicatesUnlessOverwriting) {
  TempDir dir;
  VoiceLibrary library(dir.path());
  library.create("v", Variant::kOriginal, small_voice(1), 6);
  std::string message;
  EXPECT_EQ(code_of([&] { library.create("v", Variant::kOriginal, small_voice(2), 6); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("exists"), std::string::npos) << message;
  EXPECT_FLOAT_EQ(library.get("v", Variant::kOriginal)->gen.embedding[0][0].item<float>(), 1.0f);
  library.create("v", Variant::kOriginal, small_voice(2), 7, /*overwrite=*/true);
  EXPECT_FLOAT_EQ(library.get("v", Variant::kOriginal)->gen.embedding[0][0].item<float>(), 2.0f);
  EXPECT_DOUBLE_EQ(library.find("v")->source_seconds, 7.0);
  EXPECT_EQ(library.list().size(), 1u);
}

TEST(VoiceLibrary, RefusesAVoiceMadeForAnotherVariant) {
  TempDir dir;
  VoiceLibrary library(dir.path());
  library.create("tv", Variant::kTurbo, small_voice(1), 6);
  std::string message;
  EXPECT_EQ(code_of([&] { library.get("tv", Variant::kOriginal); }, &message),
            ErrorCode::kInvalidArgument);
  EXPECT_NE(message.find("made for the turbo model"), std::string::npos) << message;
  EXPECT_NE(message.find("original"), std::string::npos) << message;
  // A voice-conversion voice has no T3 part: text variants cannot take one.
  EXPECT_EQ(code_of([&] { library.create("x", Variant::kTurbo, small_voice(1, false), 6); }),
            ErrorCode::kInvalidArgument);
  EXPECT_NO_THROW(library.create("vc", Variant::kVoiceConversion, small_voice(1, false), 6));
  EXPECT_FALSE(library.get("vc", Variant::kVoiceConversion)->has_t3());
}

TEST(VoiceLibrary, DeletesAndReportsUnknownVoices) {
  TempDir dir;
  VoiceLibrary library(dir.path());
  library.create("gone", Variant::kTurbo, small_voice(1), 6);
  library.remove("gone");
  EXPECT_TRUE(library.list().empty());
  EXPECT_TRUE(fs::list_directory(dir.path()).empty());
  EXPECT_EQ(code_of([&] { library.remove("gone"); }), ErrorCode::kNotFound);
  EXPECT_EQ(code_of([&] { library.get("gone", Variant::kTurbo); }), ErrorCode::kNotFound);
  EXPECT_FALSE(library.find("gone").has_value());
}

TEST(VoiceLibrary, CountsOnlyCompleteLoadableVoicesAndCleansTemporaryFiles) {
  TempDir dir;
  {
    VoiceLibrary library(dir.path());
    library.create("good", Variant::kTurbo, small_voice(1), 6);
    library.create("broken", Variant::kTurbo, small_voice(1), 6);
  }
  write_bytes(dir.file("broken.safetensors"), "not a safetensors file");
  write_bytes(dir.file("orphan.safetensors"), "tensors without their JSON (crash between renames)");
  write_bytes(dir.file("nojson.json"), "{ not json");
  write_bytes(dir.file("liar.json"), R"({"name": "someone_else", "variant": "turbo"})");
  write_bytes(dir.file("liar.safetensors"), "x");
  // Leftovers of a crashed writer (pid 999999999 does not exist) and of this process.
  write_bytes(dir.file("good.safetensors.tmp.999999999"), "partial");
  write_bytes(dir.file("new.staging.tmp.999999999.tmp.999999999"), "partial");
  write_bytes(dir.file("good.json.tmp." + std::to_string(::getpid())), "partial");
  write_bytes(dir.file("README.txt"), "not ours");

  VoiceLibrary library(dir.path());
  const auto voices = library.list();
  ASSERT_EQ(voices.size(), 1u);
  EXPECT_EQ(voices[0].name, "good");
  EXPECT_EQ(code_of([&] { library.get("broken", Variant::kTurbo); }), ErrorCode::kCorruptData);
  EXPECT_EQ(code_of([&] { library.get("orphan", Variant::kTurbo); }), ErrorCode::kNotFound);
  const auto files = fs::list_directory(dir.path());
  for (const auto& file : files) EXPECT_EQ(file.find(".tmp."), std::string::npos) << file;
  EXPECT_TRUE(fs::exists(dir.file("README.txt")));
  EXPECT_TRUE(fs::exists(dir.file("orphan.safetensors"))) << "only temporary files are removed";
  // A new voice may take the orphan's name.
  EXPECT_NO_THROW(library.create("orphan", Variant::kTurbo, small_voice(3), 6));
}

// Root writes anywhere: drop the capabilities that let it, for this thread, while in scope.
class WithoutFileOverrides {
 public:
  WithoutFileOverrides() {
    if (::geteuid() != 0) return;
    active_ = ::syscall(SYS_capget, &header_, saved_) == 0;
    __user_cap_data_struct reduced[2] = {saved_[0], saved_[1]};
    reduced[0].effective &=
        ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH) | (1u << CAP_FOWNER));
    active_ = active_ && ::syscall(SYS_capset, &header_, reduced) == 0;
  }
  ~WithoutFileOverrides() {
    if (active_) ::syscall(SYS_capset, &header_, saved_);
  }

 private:
  __user_cap_header_struct header_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct saved_[2]{};
  bool active_ = false;
};

bool can_create_file_in(const std::string& dir) {
  const std::string probe = fs::join(dir, "probe");
  const int fd = ::open(probe.c_str(), O_CREAT | O_WRONLY, 0644);
  if (fd < 0) return false;
  ::close(fd);
  ::unlink(probe.c_str());
  return true;
}

TEST(VoiceLibrary, AReadOnlyDirectoryFailsCleanlyAndLosesNothing) {
  TempDir dir;
  VoiceLibrary library(dir.path());
  library.create("kept", Variant::kTurbo, small_voice(1), 6);
  ::chmod(dir.path().c_str(), 0555);
  {
    WithoutFileOverrides no_overrides;
    if (can_create_file_in(dir.path())) {
      ::chmod(dir.path().c_str(), 0755);
      GTEST_SKIP() << "cannot make a directory read-only for this process";
    }
    std::string message;
    EXPECT_EQ(code_of([&] { library.create("new", Variant::kTurbo, small_voice(2), 6); }, &message),
              ErrorCode::kUnavailable);
    EXPECT_NE(message.find(dir.path()), std::string::npos) << message;
    EXPECT_EQ(code_of([&] { library.create("kept", Variant::kTurbo, small_voice(2), 6, true); }),
              ErrorCode::kUnavailable);
    EXPECT_EQ(code_of([&] { library.remove("kept"); }), ErrorCode::kUnavailable);
    const auto voices = library.list();
    ASSERT_EQ(voices.size(), 1u);
    EXPECT_EQ(voices[0].name, "kept");
    EXPECT_FLOAT_EQ(library.get("kept", Variant::kTurbo)->gen.embedding[0][0].item<float>(), 1.0f);
  }
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_EQ(fs::list_directory(dir.path()).size(), 2u);
}

}  // namespace
}  // namespace chatterbox::server
