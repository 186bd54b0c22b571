#pragma once
// The voice library: a directory of voices made once from reference clips and reused by
// requests. Each voice is <name>.safetensors (pipeline::save_conditionals' form) plus
// <name>.json (name, variant, source clip seconds, creation time), both written atomically, the
// JSON last: a voice counts only when both exist and load. A voice made for one variant is
// refused for another. Temporary files a crash left behind are removed when the library opens.
// Thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/variant.h"
#include "engine/pipeline/conditionals.h"

namespace chatterbox::server {

struct VoiceInfo {
  std::string name;
  Variant variant = Variant::kTurbo;
  double source_seconds = 0;  // length of the reference clip
  std::string created;        // ISO-8601 UTC, e.g. "2025-06-01T12:00:00Z"
};

class VoiceLibrary {
 public:
  // Creates the directory when missing (kUnavailable if it cannot).
  explicit VoiceLibrary(std::string directory);

  const std::string& directory() const { return directory_; }
  // The complete, loadable voices, by name.
  std::vector<VoiceInfo> list() const;
  // nullopt when there is no complete voice of that name; kInvalidArgument for a bad name.
  std::optional<VoiceInfo> find(const std::string& name) const;
  // The voice's conditionals (cached). kNotFound: no such voice; kInvalidArgument: made for
  // another variant; kCorruptData: its file does not load.
  std::shared_ptr<const pipeline::Conditionals> get(const std::string& name, Variant variant) const;
  // Stores a voice. kInvalidArgument: bad name, bad conditionals, or the name is taken and
  // !overwrite; kUnavailable: the directory cannot be written (the voices there are kept).
  VoiceInfo create(const std::string& name, Variant variant, const pipeline::Conditionals& voice,
                   double source_seconds, bool overwrite = false);
  // kNotFound for an unknown voice; kUnavailable when the directory cannot be written.
  void remove(const std::string& name);

  // Leftover temporary files of dead writers (or of this process); called by the constructor.
  void remove_temporary_files() const;

 private:
  struct Cached {
    std::string signature;  // size and modification time of the .safetensors file
    std::shared_ptr<const pipeline::Conditionals> voice;
  };
  std::string path(const std::string& name, const char* extension) const;
  std::optional<VoiceInfo> read_info(const std::string& name) const;                  // lock held
  std::shared_ptr<const pipeline::Conditionals> load(const std::string& name) const;  // lock held

  std::string directory_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, Cached> cache_;
};

// "YYYY-MM-DDTHH:MM:SSZ" for the current time.
std::string iso8601_utc_now();

}  // namespace chatterbox::server
