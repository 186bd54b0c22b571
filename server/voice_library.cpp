#include "server/voice_library.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/common/strings.h"
#include "engine/io/atomic_file.h"
#include "engine/log/log.h"
#include "server/voice_name.h"

namespace chatterbox::server {
namespace {

constexpr const char* kTensors = ".safetensors";
constexpr const char* kInfo = ".json";

// "<voice name>.<anything>.tmp.<pid>": the temporary files of AtomicFileWriter and of create().
bool is_temporary(const std::string& file, long* pid) {
  const size_t dot = file.find('.');
  const size_t tmp = file.rfind(".tmp.");
  if (dot == std::string::npos || tmp == std::string::npos ||
      !is_valid_voice_name(file.substr(0, dot)))
    return false;
  const std::string digits = file.substr(tmp + 5);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return false;
  *pid = std::strtol(digits.c_str(), nullptr, 10);
  return true;
}

bool process_alive(long pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::string file_signature(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

[[noreturn]] void fail_unwritable(const std::string& what, const std::string& directory,
                                  const std::string& reason) {
  fail(ErrorCode::kUnavailable,
       "cannot " + what + " in the voice library " + directory + ": " + reason);
}

void remove_file(const std::string& path, const std::string& what, const std::string& directory) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    fail_unwritable(what, directory, std::strerror(errno));
}

std::string info_json(const VoiceInfo& info) {
  const nlohmann::json j = {{"format", "chatterbox-voice"},
                            {"version", 1},
                            {"name", info.name},
                            {"variant", variant_name(info.variant)},
                            {"source_seconds", info.source_seconds},
                            {"created", info.created}};
  return j.dump(2) + "\n";
}

}  // namespace

std::string iso8601_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

VoiceLibrary::VoiceLibrary(std::string directory) : directory_(std::move(directory)) {
  try {
    fs::create_directories(directory_);
  } catch (const Error& e) {
    fail(ErrorCode::kUnavailable, std::string("voice library: ") + e.what());
  }
  if (!fs::is_directory(directory_))
    fail(ErrorCode::kUnavailable, "voice library " + directory_ + " is not a directory");
  remove_temporary_files();
}

std::string VoiceLibrary::path(const std::string& name, const char* extension) const {
  return fs::join(directory_, name + extension);
}

void VoiceLibrary::remove_temporary_files() const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& file : fs::list_directory(directory_)) {
    long pid = 0;
    if (!is_temporary(file, &pid) || (pid != ::getpid() && process_alive(pid))) continue;
    if (::unlink(fs::join(directory_, file).c_str()) == 0)
      log::info("voice library: removed leftover temporary file " + file);
  }
}

std::optional<VoiceInfo> VoiceLibrary::read_info(const std::string& name) const {
  const std::string json_path = path(name, kInfo);
  if (!fs::is_regular_file(json_path) || !fs::is_regular_file(path(name, kTensors)))
    return std::nullopt;
  std::ifstream in(json_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  try {
    const nlohmann::json j = nlohmann::json::parse(text.str());
    VoiceInfo info;
    info.name = j.at("name").get<std::string>();
    info.variant = parse_variant(j.at("variant").get<std::string>());
    info.source_seconds = j.value("source_seconds", 0.0);
    info.created = j.value("created", std::string());
    if (info.name != name) throw std::runtime_error("it names the voice '" + info.name + "'");
    return info;
  } catch (const std::exception& e) {
    log::warn("voice library: ignoring " + json_path + ": " + e.what());
    return std::nullopt;
  }
}

std::shared_ptr<const pipeline::Conditionals> VoiceLibrary::load(const std::string& name) const {
  const std::string tensors_path = path(name, kTensors);
  const std::string signature = file_signature(tensors_path);
  auto it = cache_.find(name);
  if (it != cache_.end() && it->second.signature == signature) return it->second.voice;
  auto voice =
      std::make_shared<const pipeline::Conditionals>(pipeline::load_conditionals(tensors_path));
  cache_[name] = {signature, voice};
  return voice;
}

std::vector<VoiceInfo> VoiceLibrary::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<VoiceInfo> voices;
  for (const auto& file : fs::list_directory(directory_)) {
    if (!ends_with(file, kInfo)) continue;
    const std::string name = file.substr(0, file.size() - std::strlen(kInfo));
    if (!is_valid_voice_name(name)) continue;
    auto info = read_info(name);
    if (!info) continue;
    try {
      load(name);
    } catch (const std::exception& e) {
      log::warn("voice library: ignoring voice '" + name + "': " + e.what());
      continue;
    }
    voices.push_back(*info);
  }
  return voices;
}

std::optional<VoiceInfo> VoiceLibrary::find(const std::string& name) const {
  require_valid_voice_name(name);
  std::lock_guard<std::mutex> lock(mutex_);
  return read_info(name);
}

std::shared_ptr<const pipeline::Conditionals> VoiceLibrary::get(const std::string& name,
                                                                Variant variant) const {
  require_valid_voice_name(name);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto info = read_info(name);
  if (!info) fail(ErrorCode::kNotFound, "no voice named '" + name + "' in the voice library");
  if (info->variant != variant)
    fail(ErrorCode::kInvalidArgument, "voice '" + name + "' was made for the " +
                                          variant_name(info->variant) +
                                          " model and cannot be used with " +
                                          variant_name(variant) + "; make it again for that model");
  try {
    return load(name);
  } catch (const Error& e) {
    fail(ErrorCode::kCorruptData, "voice '" + name + "' does not load: " + e.what());
  }
}

VoiceInfo VoiceLibrary::create(const std::string& name, Variant variant,
                               const pipeline::Conditionals& voice, double source_seconds,
                               bool overwrite) {
  require_valid_voice_name(name);
  try {
    voice.validate();
  } catch (const Error& e) {
    fail(ErrorCode::kInvalidArgument, "voice '" + name + "': " + e.what());
  }
  if (variant != Variant::kVoiceConversion && !voice.has_t3())
    fail(ErrorCode::kInvalidArgument, "voice '" + name + "' has no T3 conditioning, which the " +
                                          variant_name(variant) + " model needs");
  std::lock_guard<std::mutex> lock(mutex_);
  const std::optional<VoiceInfo> old = read_info(name);
  if (old && !overwrite)
    fail(ErrorCode::kInvalidArgument,
         "a voice named '" + name + "' exists already; delete it or ask to overwrite it");
  const VoiceInfo info{name, variant, source_seconds, iso8601_utc_now()};
  const std::string staging = path(name, ".staging.tmp.") + std::to_string(::getpid());
  bool old_info_removed = false;
  try {
    // The tensors go in beside the old voice; only then does the old voice stop counting (its
    // JSON goes), the new tensors take its place, and the new JSON makes the new voice count.
    pipeline::save_conditionals(staging, voice);
    if (old) remove_file(path(name, kInfo), "replace voice '" + name + "'", directory_);
    old_info_removed = old.has_value();
    if (std::rename(staging.c_str(), path(name, kTensors).c_str()) != 0)
      fail_unwritable("store voice '" + name + "'", directory_, std::strerror(errno));
    io::write_file_atomically(path(name, kInfo), info_json(info));
  } catch (const Error& e) {
    ::unlink(staging.c_str());
    if (old_info_removed) {
      try {
        io::write_file_atomically(path(name, kInfo), info_json(*old));
      } catch (const Error&) {
      }
    }
    if (e.code() == ErrorCode::kUnavailable) throw;
    fail_unwritable("store voice '" + name + "'", directory_, e.what());
  }
  cache_.erase(name);
  return info;
}

void VoiceLibrary::remove(const std::string& name) {
  require_valid_voice_name(name);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!read_info(name))
    fail(ErrorCode::kNotFound, "no voice named '" + name + "' in the voice library");
  // The JSON first: from then on the voice no longer counts, whatever happens to the tensors.
  remove_file(path(name, kInfo), "delete voice '" + name + "'", directory_);
  cache_.erase(name);
  try {
    remove_file(path(name, kTensors), "delete voice '" + name + "'", directory_);
  } catch (const Error& e) {
    log::warn(std::string("voice library: ") + e.what());
  }
}

}  // namespace chatterbox::server
