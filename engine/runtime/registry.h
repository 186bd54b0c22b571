#pragma once
// The model registry: every configured model, one instance per device of its device list,
// each loaded once (CPU first, then moved component by component), warmed up, and fed by its
// own engine loop. Transports call only this.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/common/variant.h"
#include "engine/runtime/device.h"
#include "engine/runtime/model_status.h"
#include "engine/runtime/request.h"
#include "engine/runtime/synthesis_handle.h"

namespace chatterbox::runtime {

struct EngineOptions {
  int64_t max_slots = 4;         // requests decoded together
  int64_t max_len = 0;           // positions per slot in the KV cache; 0: the variant's default
  int64_t max_queue = 64;        // waiting requests per instance; beyond: kResourceExhausted
  int64_t first_chunk_tokens = 12;  // speech tokens of the first streamed chunk
};

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
  explicit Registry(DeviceProbe probe = DeviceProbe::system());
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

  // A voice from an encoded reference clip, made by one of the model's ready instances.
  pipeline::Conditionals make_voice(const std::string& model, const std::string& clip_bytes,
                                    double exaggeration = 0.5);

  // Stops accepting, cancels what runs after `grace`, joins the engine loops.
  void shutdown(std::chrono::milliseconds grace);

 private:
  DeviceProbe probe_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<ModelInstance>> instances_;
};

}  // namespace chatterbox::runtime
