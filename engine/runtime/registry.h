#pragma once
// The model registry: every configured model, one instance per device of its device list,
// each loaded once (CPU first, then moved component by component), warmed up, and fed by its
// own engine loop. Transports call only this.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/variant.h"
#include "engine/runtime/device.h"
#include "engine/runtime/engine_options.h"
#include "engine/runtime/model_status.h"
#include "engine/runtime/placement_hooks.h"
#include "engine/runtime/request.h"
#include "engine/runtime/synthesis_handle.h"
#include "engine/runtime/voice_cache.h"

namespace chatterbox::runtime {

struct ModelSpec {
  std::string name;  // empty: the variant's name
  Variant variant = Variant::kTurbo;
  std::string checkpoint_dir;
  std::vector<std::string> devices{"auto"};  // "auto" alone: every usable GPU, else the CPU
  std::string precision = "fp32";
  std::string multilingual_t3 = "v2";
  bool load_at_start = true;       // false: on the first request
  double idle_unload_seconds = 0;  // 0: never
  EngineOptions engine;
};

class ModelInstance;

class Registry {
 public:
  explicit Registry(DeviceProbe probe = DeviceProbe::system(), PlacementHooks hooks = {});
  ~Registry();

  // Adds a model; loads and warms it now when spec.load_at_start (in the background: status()
  // shows its progress). Throws kInvalidArgument for a duplicate name or a bad spec.
  void add(ModelSpec spec);
  // Blocks until every instance that loads at start is ready or failed.
  void wait_until_settled();

  std::vector<std::string> model_names() const;
  Variant variant_of(const std::string& model) const;  // kNotFound for an unknown model
  // A model is ready when at least one of its instances is.
  bool ready(const std::string& model) const;
  bool all_ready() const;
  std::vector<InstanceStatus> status() const;

  // To the least-loaded ready instance of `model`. Throws kNotFound (unknown model),
  // kUnavailable (none ready), kResourceExhausted (queues full), kInvalidArgument (bad request).
  std::shared_ptr<SynthesisHandle> submit(const std::string& model, SynthesisRequest request);

  // A voice from an encoded reference clip, made by one of the model's ready instances; the
  // same clip is analysed once (VoiceCache).
  std::shared_ptr<const pipeline::Conditionals> make_voice(const std::string& model,
                                                           const std::string& clip_bytes,
                                                           double exaggeration = 0.5);

  // Stops accepting, cancels what runs after `grace`, joins the engine loops.
  void shutdown(std::chrono::milliseconds grace);

 private:
  std::vector<ModelInstance*> instances_of(const std::string& model) const;
  void watch_idle();

  DeviceProbe probe_;
  PlacementHooks hooks_;
  VoiceCache voices_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<ModelInstance>> instances_;
  std::vector<std::thread> loaders_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread idle_watch_;
};

}  // namespace chatterbox::runtime
