#include "engine/runtime/registry.h"

#include <algorithm>
#include <limits>

#include "engine/common/error.h"
#include "engine/runtime/model_instance.h"

namespace chatterbox::runtime {

const char* instance_state_name(InstanceState state) {
  switch (state) {
    case InstanceState::kUnloaded:
      return "unloaded";
    case InstanceState::kLoading:
      return "loading";
    case InstanceState::kWarmingUp:
      return "warming_up";
    case InstanceState::kReady:
      return "ready";
    case InstanceState::kFailed:
      return "failed";
  }
  return "?";
}

Registry::Registry(DeviceProbe probe, PlacementHooks hooks)
    : probe_(std::move(probe)), hooks_(std::move(hooks)) {
  idle_watch_ = std::thread([this] { watch_idle(); });
}

Registry::~Registry() {
  shutdown(std::chrono::milliseconds(0));
}

void Registry::add(ModelSpec spec) {
  if (spec.name.empty()) spec.name = variant_name(spec.variant);
  if (spec.checkpoint_dir.empty())
    fail(ErrorCode::kInvalidArgument, "model " + spec.name + " needs a checkpoint directory");
  if (spec.precision != "fp32")
    fail(ErrorCode::kInvalidArgument, "model " + spec.name + ": precision " + spec.precision +
                                          " is not supported yet (fp32 only)");
  const auto devices = expand_devices(spec.devices, probe_);
  if (devices.empty()) fail(ErrorCode::kInvalidArgument, "model " + spec.name + " has no device");
  for (const auto& d : devices) choose_device(d, probe_);  // kInvalidArgument for a bad name
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) fail(ErrorCode::kUnavailable, "the registry is shutting down");
  for (const auto& instance : instances_)
    if (instance->spec().name == spec.name)
      fail(ErrorCode::kInvalidArgument, "a model named " + spec.name + " already exists");
  for (size_t i = 0; i < devices.size(); ++i) {
    instances_.push_back(
        std::make_unique<ModelInstance>(spec, static_cast<int>(i), devices[i], probe_, hooks_));
    if (spec.load_at_start) {
      ModelInstance* instance = instances_.back().get();
      loaders_.emplace_back([instance] { instance->load(); });
    }
  }
}

void Registry::wait_until_settled() {
  std::vector<std::thread> loaders;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    loaders.swap(loaders_);
  }
  for (auto& t : loaders) t.join();
}

std::vector<ModelInstance*> Registry::instances_of(const std::string& model) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ModelInstance*> out;
  for (const auto& instance : instances_)
    if (instance->spec().name == model) out.push_back(instance.get());
  return out;
}

std::vector<std::string> Registry::model_names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& instance : instances_)
    if (std::find(names.begin(), names.end(), instance->spec().name) == names.end())
      names.push_back(instance->spec().name);
  return names;
}

Variant Registry::variant_of(const std::string& model) const {
  auto instances = instances_of(model);
  if (instances.empty()) fail(ErrorCode::kNotFound, "no model named " + model);
  return instances.front()->spec().variant;
}

bool Registry::ready(const std::string& model) const {
  for (ModelInstance* instance : instances_of(model))
    if (instance->ready()) return true;
  return false;
}

bool Registry::all_ready() const {
  for (const auto& name : model_names())
    if (!ready(name)) return false;
  return !model_names().empty();
}

std::vector<InstanceStatus> Registry::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<InstanceStatus> out;
  for (const auto& instance : instances_) out.push_back(instance->status());
  return out;
}

std::shared_ptr<SynthesisHandle> Registry::submit(const std::string& model,
                                                  SynthesisRequest request) {
  auto instances = instances_of(model);
  if (instances.empty()) {
    std::string names;
    for (const auto& n : model_names()) names += (names.empty() ? "" : ", ") + n;
    fail(ErrorCode::kNotFound, "no model named " + model + " (models: " + names + ")");
  }
  // The least-loaded ready instance; an unloaded one (idle or lazy) loads on this request.
  ModelInstance* best = nullptr;
  int64_t best_score = std::numeric_limits<int64_t>::max();
  for (ModelInstance* instance : instances) {
    if (!instance->ready()) continue;
    const int64_t score = instance->load_score();
    if (score < best_score) {
      best = instance;
      best_score = score;
    }
  }
  if (!best)
    for (ModelInstance* instance : instances)
      if (instance->status().state == InstanceState::kUnloaded) {
        best = instance;
        break;
      }
  if (!best) fail(ErrorCode::kUnavailable, "model " + model + " has no ready instance yet");
  return best->submit(std::move(request));
}

std::shared_ptr<const pipeline::Conditionals> Registry::make_voice(const std::string& model,
                                                                   const std::string& clip_bytes,
                                                                   double exaggeration) {
  const std::string key = VoiceCache::key(model, clip_bytes, exaggeration);
  if (auto voice = voices_.find(key)) return voice;
  auto instances = instances_of(model);
  if (instances.empty()) fail(ErrorCode::kNotFound, "no model named " + model);
  for (ModelInstance* instance : instances)
    if (instance->ready()) {
      auto voice = instance->make_voice(clip_bytes, exaggeration);
      voices_.put(key, voice);
      return voice;
    }
  fail(ErrorCode::kUnavailable, "model " + model + " has no ready instance yet");
}

void Registry::watch_idle() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    stop_.wait_for(lock, std::chrono::seconds(1));
    if (stopping_) break;
    std::vector<ModelInstance*> all;
    for (const auto& instance : instances_) all.push_back(instance.get());
    lock.unlock();
    for (ModelInstance* instance : all) instance->unload_if_idle();
    lock.lock();
  }
}

void Registry::shutdown(std::chrono::milliseconds grace) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !idle_watch_.joinable()) return;
    stopping_ = true;
  }
  stop_.notify_all();
  if (idle_watch_.joinable()) idle_watch_.join();
  wait_until_settled();
  std::vector<ModelInstance*> all;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& instance : instances_) all.push_back(instance.get());
  }
  for (ModelInstance* instance : all) instance->shutdown(grace);
}

}  // namespace chatterbox::runtime
