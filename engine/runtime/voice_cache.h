#pragma once
// Voices made from uploaded clips, kept so that the same clip is analysed once: a small LRU
// keyed by the voice's identity (model, clip content, exaggeration).

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "engine/pipeline/conditionals.h"

namespace chatterbox::runtime {

class VoiceCache {
 public:
  explicit VoiceCache(size_t capacity = 32) : capacity_(capacity) {}

  static std::string key(const std::string& model, const std::string& clip_bytes,
                         double exaggeration);
  std::shared_ptr<const pipeline::Conditionals> find(const std::string& key);
  void put(const std::string& key, std::shared_ptr<const pipeline::Conditionals> voice);
  size_t size() const;

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const pipeline::Conditionals>>;
  size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
};

}  // namespace chatterbox::runtime
