#include "engine/runtime/voice_cache.h"

#include <cstdint>
#include <cstdio>

namespace chatterbox::runtime {
namespace {

// FNV-1a over the clip: content identity without keeping the bytes.
uint64_t fnv1a(const std::string& bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string VoiceCache::key(const std::string& model, const std::string& clip_bytes,
                            double exaggeration) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "/%016llx/%zu/%.6g",
                static_cast<unsigned long long>(fnv1a(clip_bytes)), clip_bytes.size(),
                exaggeration);
  return model + buffer;
}

std::shared_ptr<const pipeline::Conditionals> VoiceCache::find(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

void VoiceCache::put(const std::string& key, std::shared_ptr<const pipeline::Conditionals> voice) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    it->second->second = std::move(voice);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(key, std::move(voice));
  index_[key] = entries_.begin();
  while (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

size_t VoiceCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace chatterbox::runtime
