#pragma once
// One model on one device: loaded CPU-first, moved component by component (a component that
// fails to move or to warm up falls back to the CPU alone, with its reason), warmed up with a
// real synthesis through the engine, then served by its engine loop. Unloaded after an idle
// time if asked, and loaded again by the next request.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/pipeline/pipeline.h"
#include "engine/runtime/device.h"
#include "engine/runtime/engine.h"
#include "engine/runtime/model_status.h"
#include "engine/runtime/placement_hooks.h"
#include "engine/runtime/registry.h"

namespace chatterbox::runtime {

class ModelInstance {
 public:
  ModelInstance(ModelSpec spec, int replica, std::string requested_device, DeviceProbe probe,
                PlacementHooks hooks);
  ~ModelInstance();

  const ModelSpec& spec() const { return spec_; }
  // Loads and warms up; on failure the state is kFailed with the error (never throws).
  void load();
  void unload();
  InstanceStatus status() const;
  bool ready() const;
  // Waiting plus active requests, for least-loaded routing.
  int64_t load_score() const;
  // Loads first when unloaded. Throws kUnavailable when the instance failed or is loading.
  std::shared_ptr<SynthesisHandle> submit(SynthesisRequest request);
  std::shared_ptr<const pipeline::Conditionals> make_voice(const std::string& clip_bytes,
                                                           double exaggeration);
  // Unloads when idle for longer than spec.idle_unload_seconds.
  void unload_if_idle();
  void shutdown(std::chrono::milliseconds grace);

 private:
  struct Placement {
    pipeline::Component component;
    ComponentStatus status;
    torch::Device device = torch::kCPU;  // where its tensors are
  };

  void load_locked();
  void place_components(pipeline::Pipeline& pipeline, const DeviceChoice& choice);
  void warm_up(std::shared_ptr<pipeline::Pipeline> pipeline);
  void run_warm_up_synthesis(const std::shared_ptr<const pipeline::Pipeline>& pipeline);
  void fall_back(pipeline::Pipeline& pipeline, Placement& placement, const std::string& reason);
  std::shared_ptr<Engine> engine() const;
  void touch();

  ModelSpec spec_;
  int replica_;
  std::string requested_device_;
  DeviceProbe probe_;
  PlacementHooks hooks_;

  std::mutex load_mutex_;  // one load or unload at a time
  mutable std::mutex mutex_;
  InstanceState state_ = InstanceState::kUnloaded;
  std::string error_;
  std::vector<Placement> placements_;
  bool pattern_model_ = false;
  std::shared_ptr<Engine> engine_;
  std::chrono::steady_clock::time_point ready_since_;
  std::chrono::steady_clock::time_point last_used_;
};

// "auto" alone: one entry per usable GPU, else the MPS device, else the CPU; other names as they
// are.
std::vector<std::string> expand_devices(const std::vector<std::string>& devices,
                                        const DeviceProbe& probe);

}  // namespace chatterbox::runtime
