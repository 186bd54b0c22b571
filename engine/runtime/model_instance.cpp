#include "engine/runtime/model_instance.h"

#include <unistd.h>

#include <cmath>
#include <fstream>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/dsp/synthetic_voice.h"
#include "engine/log/log.h"

namespace chatterbox::runtime {
namespace {

std::string device_string(const torch::Device& device) {
  return device.str();
}

// A clip to warm up on: enough for every voice path (turbo and nano want more than 5 s).
dsp::Audio warm_up_clip(int rate = 24000, double seconds = 6.0) {
  dsp::Audio clip;
  clip.samples = dsp::synthetic_voice(seconds, rate);
  clip.sample_rate = rate;
  clip.source_channels = 1;
  return clip;
}

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  if (!(statm >> pages >> resident)) return -1;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

std::vector<std::string> expand_devices(const std::vector<std::string>& devices,
                                        const DeviceProbe& probe) {
  if (devices.size() != 1 || devices[0] != "auto") return devices;
  const int gpus = probe.cuda_device_count();
  if (gpus > 0) {
    std::vector<std::string> out;
    for (int i = 0; i < gpus; ++i) out.push_back("cuda:" + std::to_string(i));
    return out;
  }
  return {probe.mps_available() ? "mps" : "cpu"};
}

ModelInstance::ModelInstance(ModelSpec spec, int replica, std::string requested_device,
                             DeviceProbe probe, PlacementHooks hooks)
    : spec_(std::move(spec)),
      replica_(replica),
      requested_device_(std::move(requested_device)),
      probe_(std::move(probe)),
      hooks_(std::move(hooks)) {
  if (!hooks_.realize) hooks_.realize = [](const torch::Device& d) { return d; };
  if (!hooks_.fault)
    hooks_.fault = [](const std::string&, const std::string&, const std::string&) {};
  touch();
}

ModelInstance::~ModelInstance() {
  shutdown(std::chrono::milliseconds(0));
}

void ModelInstance::touch() {
  std::lock_guard<std::mutex> lock(mutex_);
  last_used_ = std::chrono::steady_clock::now();
}

std::shared_ptr<Engine> ModelInstance::engine() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return engine_;
}

void ModelInstance::load() {
  std::lock_guard<std::mutex> guard(load_mutex_);
  load_locked();
}

void ModelInstance::load_locked() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (state_ == InstanceState::kReady) return;
    state_ = InstanceState::kLoading;
    error_.clear();
  }
  const std::string who = spec_.name + "[" + std::to_string(replica_) + "]";
  try {
    const DeviceChoice choice = choose_device(requested_device_, probe_);
    if (!choice.fallback_reason.empty())
      log::warn(who + ": " + requested_device_ +
                " unusable, running on the CPU: " + choice.fallback_reason);
    pipeline::PipelineLoadOptions options;
    options.device = torch::kCPU;  // CPU first, then component by component
    options.multilingual_t3 = spec_.multilingual_t3;
    options.precision = spec_.precision;
    auto pipeline = std::shared_ptr<pipeline::Pipeline>(
        pipeline::Pipeline::load(spec_.checkpoint_dir, spec_.variant, options));
    pattern_model_ = fs::exists(fs::join(spec_.checkpoint_dir, "PATTERN_MODEL.json"));
    place_components(*pipeline, choice);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      state_ = InstanceState::kWarmingUp;
    }
    warm_up(pipeline);
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = InstanceState::kReady;
    ready_since_ = last_used_ = std::chrono::steady_clock::now();
    std::string where;
    for (const auto& p : placements_)
      where += (where.empty() ? "" : ", ") + p.status.name + " on " + p.status.active_device;
    log::info(who + ": ready (" + where + ")");
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mutex_);
    state_ = InstanceState::kFailed;
    error_ = e.what();
    engine_.reset();
    log::error(who + ": failed to load: " + error_);
  }
}

void ModelInstance::place_components(pipeline::Pipeline& pipeline, const DeviceChoice& choice) {
  std::vector<Placement> placements;
  const std::string target = device_string(choice.device);
  for (pipeline::Component c : pipeline.components()) {
    Placement p;
    p.component = c;
    p.status.name = pipeline::component_name(c);
    p.status.requested_device = requested_device_;
    p.status.active_device = "cpu";
    p.status.fallback_reason = choice.fallback_reason;
    if (!choice.device.is_cpu()) {
      try {
        hooks_.fault(p.status.name, target, "move");
        const torch::Device real = hooks_.realize(choice.device);
        pipeline.place(c, real);
        p.device = real;
        p.status.active_device = target;
      } catch (const std::exception& e) {
        p.status.fallback_reason = "moving to " + target + " failed: " + e.what();
        log::warn(spec_.name + ": " + p.status.name +
                  " stays on the CPU: " + p.status.fallback_reason);
      }
    }
    p.status.dtype = pipeline.dtype_name_of(c);
    placements.push_back(std::move(p));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  placements_ = std::move(placements);
}

void ModelInstance::fall_back(pipeline::Pipeline& pipeline, Placement& placement,
                              const std::string& reason) {
  pipeline.place(placement.component, torch::kCPU);
  placement.device = torch::kCPU;
  std::lock_guard<std::mutex> lock(mutex_);
  placement.status.fallback_reason = reason;
  placement.status.active_device = "cpu";
  placement.status.dtype = pipeline.dtype_name_of(placement.component);
  log::warn(spec_.name + ": " + placement.status.name + " falls back to the CPU: " + reason);
}

// A warm-up that fails names its component when it can (the hooks do); a failure with no
// culprit moves the components back one at a time, T3 first, until one warm-up passes.
void ModelInstance::warm_up(std::shared_ptr<pipeline::Pipeline> pipeline) {
  for (size_t attempt = 0;; ++attempt) {
    Placement* culprit = nullptr;
    std::string reason;
    try {
      for (auto& p : placements_) {
        if (p.status.active_device == "cpu") continue;
        culprit = &p;
        hooks_.fault(p.status.name, p.status.active_device, "warm-up");
      }
      culprit = nullptr;
      if (hooks_.warm_up_fault)
        hooks_.warm_up_fault(spec_.name, placements_.front().status.active_device);
      run_warm_up_synthesis(pipeline);
      return;
    } catch (const std::exception& e) {
      reason = e.what();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      engine_.reset();
    }
    if (!culprit)
      for (auto& p : placements_)
        if (p.status.active_device != "cpu") {
          culprit = &p;
          break;
        }
    if (!culprit) throw Error(ErrorCode::kUnavailable, "warm-up on the CPU failed: " + reason);
    fall_back(*pipeline, *culprit,
              "warm-up on " + culprit->status.active_device + " failed: " + reason);
  }
}

void ModelInstance::run_warm_up_synthesis(
    const std::shared_ptr<const pipeline::Pipeline>& pipeline) {
  auto engine = std::make_shared<Engine>(
      pipeline, spec_.engine, device_string(pipeline->device_of(pipeline->components().front())));
  SynthesisRequest request;
  request.id = spec_.name + "-warm-up";
  request.options.seed = 0;
  auto voice = std::make_shared<const pipeline::Conditionals>(pipeline->make_voice(warm_up_clip()));
  request.voice = voice;
  if (spec_.variant == Variant::kVoiceConversion) {
    auto source = warm_up_clip(16000, 1.0).samples;
    request.source_audio_16k.assign(source.data_ptr<float>(),
                                    source.data_ptr<float>() + source.numel());
  } else {
    request.text = "Hello.";
    request.options.max_new_tokens = 8;
  }
  auto handle = engine->submit(std::move(request));
  int64_t samples = 0;
  while (auto chunk = handle->next()) samples += static_cast<int64_t>(chunk->samples.size());
  if (samples == 0) throw Error(ErrorCode::kInternal, "warm-up gave no audio");
  std::lock_guard<std::mutex> lock(mutex_);
  engine_ = engine;
}

void ModelInstance::unload() {
  std::lock_guard<std::mutex> guard(load_mutex_);
  std::shared_ptr<Engine> engine;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    engine = std::move(engine_);
    if (state_ == InstanceState::kReady) state_ = InstanceState::kUnloaded;
  }
  if (engine) engine->shutdown(std::chrono::milliseconds(0));
}

void ModelInstance::unload_if_idle() {
  if (spec_.idle_unload_seconds <= 0) return;
  auto engine = this->engine();
  if (!engine || engine->queue_depth() > 0 || engine->active_streams() > 0) {
    touch();
    return;
  }
  std::chrono::steady_clock::time_point last;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last = last_used_;
  }
  const double idle =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last).count();
  if (idle >= spec_.idle_unload_seconds) {
    log::info(spec_.name + ": unloading after " + std::to_string(static_cast<int>(idle)) +
              " s idle");
    unload();
  }
}

bool ModelInstance::ready() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_ == InstanceState::kReady;
}

int64_t ModelInstance::load_score() const {
  auto engine = this->engine();
  return engine ? engine->queue_depth() + engine->active_streams() : 0;
}

std::shared_ptr<SynthesisHandle> ModelInstance::submit(SynthesisRequest request) {
  InstanceState state;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    state = state_;
    last_used_ = std::chrono::steady_clock::now();
  }
  if (state == InstanceState::kUnloaded) {
    load();
    state = ready() ? InstanceState::kReady : InstanceState::kFailed;
  }
  auto engine = this->engine();
  if (state != InstanceState::kReady || !engine)
    fail(ErrorCode::kUnavailable,
         "model " + spec_.name + " is not ready (" + instance_state_name(status().state) + ")");
  return engine->submit(std::move(request));
}

std::shared_ptr<const pipeline::Conditionals> ModelInstance::make_voice(
    const std::string& clip_bytes, double exaggeration) {
  touch();
  auto engine = this->engine();
  if (!engine) fail(ErrorCode::kUnavailable, "model " + spec_.name + " is not ready");
  return std::make_shared<const pipeline::Conditionals>(
      engine->pipeline().make_voice_from_bytes(clip_bytes, exaggeration));
}

InstanceStatus ModelInstance::status() const {
  InstanceStatus s;
  std::shared_ptr<Engine> engine;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    s.state = state_;
    s.error = error_;
    for (const auto& p : placements_) s.components.push_back(p.status);
    engine = engine_;
    if (state_ == InstanceState::kReady)
      s.uptime_seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - ready_since_).count();
  }
  s.name = spec_.name;
  s.replica = replica_;
  s.device = requested_device_;
  s.variant = variant_name(spec_.variant);
  s.checkpoint_dir = spec_.checkpoint_dir;
  s.pattern_model = pattern_model_;
  s.warm = s.state == InstanceState::kReady;
  s.max_slots = spec_.engine.max_slots;
  s.host_memory_bytes = resident_bytes();
  if (engine) {
    s.queue_depth = engine->queue_depth();
    s.active_streams = engine->active_streams();
    s.kv_cache_bytes = engine->kv_cache_bytes();
    s.requests_completed = engine->requests_completed();
    s.heartbeat_age_seconds =
        std::chrono::duration<double>(Clock::now() - engine->heartbeat()).count();
  }
  return s;
}

void ModelInstance::shutdown(std::chrono::milliseconds grace) {
  auto engine = this->engine();
  if (engine) engine->shutdown(grace);
}

}  // namespace chatterbox::runtime
