// The registry's device policy with a fake probe (DESIGN.md, Devices): every rule, a component
// failing to move or to warm up falling back alone with its reason in the status, replicas
// with least-loaded routing, lazy loading and idle unloading. A claimed GPU's tensors really
// live on the CPU (PlacementHooks::realize); its name is what the status reports.

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "engine/common/error.h"
#include "engine/runtime/registry.h"
#include "tests/support/pattern_models.h"

namespace chatterbox::runtime {
namespace {

DeviceProbe fake_probe(int gpus, bool mps = false) {
  DeviceProbe probe;
  probe.cuda_device_count = [gpus] { return gpus; };
  probe.mps_available = [mps] { return mps; };
  return probe;
}

PlacementHooks on_cpu_failing(std::set<std::pair<std::string, std::string>> faults = {}) {
  PlacementHooks hooks;
  hooks.realize = [](const torch::Device&) { return torch::Device(torch::kCPU); };
  hooks.fault = [faults](const std::string& component, const std::string& device,
                         const std::string& stage) {
    if (faults.count({component, stage}))
      throw Error(ErrorCode::kUnavailable,
                  "simulated " + stage + " failure of " + component + " on " + device);
  };
  return hooks;
}

ModelSpec nano_spec(std::vector<std::string> devices) {
  ModelSpec spec;
  spec.variant = Variant::kNano;
  spec.checkpoint_dir = testing::pattern_checkpoint_dir(Variant::kNano);
  spec.devices = std::move(devices);
  spec.engine.max_slots = 2;
  spec.engine.max_len = 640;
  return spec;
}

const ComponentStatus& component(const InstanceStatus& s, const std::string& name) {
  for (const auto& c : s.components)
    if (c.name == name) return c;
  throw std::runtime_error("no component " + name);
}

int64_t drain(const std::shared_ptr<SynthesisHandle>& handle) {
  int64_t samples = 0;
  while (auto chunk = handle->next()) samples += static_cast<int64_t>(chunk->samples.size());
  return samples;
}

SynthesisRequest hello(uint64_t seed = 1) {
  SynthesisRequest r;
  r.text = "Hello.";
  r.options.seed = seed;
  r.options.max_new_tokens = 6;
  return r;
}

TEST(Registry, AutoOnAMachineWithoutAcceleratorsRunsOnTheCpu) {
  Registry registry(fake_probe(0), on_cpu_failing());
  registry.add(nano_spec({"auto"}));
  registry.wait_until_settled();
  auto status = registry.status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].state, InstanceState::kReady);
  EXPECT_TRUE(status[0].warm);
  EXPECT_TRUE(status[0].pattern_model);
  EXPECT_EQ(status[0].name, "nano");
  ASSERT_EQ(status[0].components.size(), 5u);
  for (const auto& c : status[0].components) {
    EXPECT_EQ(c.requested_device, "cpu");
    EXPECT_EQ(c.active_device, "cpu");
    EXPECT_EQ(c.dtype, "float32");
    EXPECT_EQ(c.fallback_reason, "");
  }
  EXPECT_GT(status[0].kv_cache_bytes, 0);
  EXPECT_GT(status[0].host_memory_bytes, 0);
  EXPECT_GT(drain(registry.submit("nano", hello())), 0);
  EXPECT_TRUE(registry.all_ready());
}

TEST(Registry, AutoMakesOneInstancePerGpuAndSpreadsRequests) {
  Registry registry(fake_probe(2), on_cpu_failing());
  registry.add(nano_spec({"auto"}));
  registry.wait_until_settled();
  auto status = registry.status();
  ASSERT_EQ(status.size(), 2u);
  EXPECT_EQ(component(status[0], "t3").active_device, "cuda:0");
  EXPECT_EQ(component(status[1], "t3").active_device, "cuda:1");
  std::vector<std::shared_ptr<SynthesisHandle>> handles;
  for (int i = 0; i < 4; ++i) handles.push_back(registry.submit("nano", hello(i)));
  for (auto& h : handles) EXPECT_GT(drain(h), 0);
  // Least-loaded routing gave each instance two of the four.
  int64_t served_by_both = 0;
  for (const auto& s : registry.status()) served_by_both += s.requests_completed >= 2 ? 1 : 0;
  EXPECT_EQ(served_by_both, 2);
}

TEST(Registry, AnAbsentGpuFallsBackToTheCpuWithItsReason) {
  Registry registry(fake_probe(1), on_cpu_failing());
  registry.add(nano_spec({"cuda:1"}));
  registry.wait_until_settled();
  auto s = registry.status().at(0);
  EXPECT_EQ(s.state, InstanceState::kReady);
  for (const auto& c : s.components) {
    EXPECT_EQ(c.requested_device, "cuda:1");
    EXPECT_EQ(c.active_device, "cpu");
    EXPECT_EQ(c.fallback_reason, "CUDA device 1 not present (1 device)");
  }
}

TEST(Registry, MissingMpsFallsBackToTheCpuWithItsReason) {
  Registry registry(fake_probe(0, false), on_cpu_failing());
  registry.add(nano_spec({"mps"}));
  registry.wait_until_settled();
  auto s = registry.status().at(0);
  EXPECT_EQ(component(s, "hift").active_device, "cpu");
  EXPECT_NE(component(s, "hift").fallback_reason.find("MPS not available"), std::string::npos);
}

TEST(Registry, AComponentThatFailsToMoveFallsBackAlone) {
  Registry registry(fake_probe(1), on_cpu_failing({{"hift", "move"}}));
  registry.add(nano_spec({"cuda:0"}));
  registry.wait_until_settled();
  auto s = registry.status().at(0);
  EXPECT_EQ(s.state, InstanceState::kReady);
  EXPECT_EQ(component(s, "hift").active_device, "cpu");
  EXPECT_EQ(component(s, "hift").fallback_reason,
            "moving to cuda:0 failed: simulated move failure of hift on cuda:0");
  for (const char* other : {"t3", "s3gen_flow", "voice_encoder", "reference"}) {
    EXPECT_EQ(component(s, other).active_device, "cuda:0") << other;
    EXPECT_EQ(component(s, other).fallback_reason, "") << other;
  }
  EXPECT_GT(drain(registry.submit("nano", hello())), 0);
}

TEST(Registry, AComponentThatFailsToWarmUpFallsBackAlone) {
  Registry registry(fake_probe(1), on_cpu_failing({{"t3", "warm-up"}}));
  registry.add(nano_spec({"cuda:0"}));
  registry.wait_until_settled();
  auto s = registry.status().at(0);
  EXPECT_EQ(s.state, InstanceState::kReady);
  EXPECT_EQ(component(s, "t3").active_device, "cpu");
  EXPECT_EQ(component(s, "t3").fallback_reason,
            "warm-up on cuda:0 failed: simulated warm-up failure of t3 on cuda:0");
  EXPECT_EQ(component(s, "s3gen_flow").active_device, "cuda:0");
}

TEST(Registry, AnInstanceThatCannotLoadFailsWhileOthersServe) {
  Registry registry(fake_probe(0), on_cpu_failing());
  auto broken = nano_spec({"cpu"});
  broken.name = "broken";
  broken.checkpoint_dir = "/nonexistent/model";
  registry.add(broken);
  registry.add(nano_spec({"cpu"}));
  registry.wait_until_settled();
  for (const auto& s : registry.status()) {
    if (s.name == "broken") {
      EXPECT_EQ(s.state, InstanceState::kFailed);
      EXPECT_NE(s.error.find("/nonexistent/model"), std::string::npos) << s.error;
    } else {
      EXPECT_EQ(s.state, InstanceState::kReady);
    }
  }
  EXPECT_FALSE(registry.all_ready());
  EXPECT_TRUE(registry.ready("nano"));
  EXPECT_GT(drain(registry.submit("nano", hello())), 0);
  try {
    registry.submit("broken", hello());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  try {
    registry.submit("missing", hello());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

TEST(Registry, LazyModelsLoadOnTheFirstRequestAndUnloadWhenIdle) {
  Registry registry(fake_probe(0), on_cpu_failing());
  auto spec = nano_spec({"cpu"});
  spec.load_at_start = false;
  spec.idle_unload_seconds = 1;
  registry.add(spec);
  registry.wait_until_settled();
  EXPECT_EQ(registry.status().at(0).state, InstanceState::kUnloaded);
  EXPECT_GT(drain(registry.submit("nano", hello())), 0);
  EXPECT_EQ(registry.status().at(0).state, InstanceState::kReady);
  for (int i = 0; i < 50 && registry.status().at(0).state == InstanceState::kReady; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(registry.status().at(0).state, InstanceState::kUnloaded);
  EXPECT_GT(drain(registry.submit("nano", hello())), 0);  // loads again
}

TEST(Registry, BadSpecsAreRefused) {
  Registry registry(fake_probe(0), on_cpu_failing());
  auto bad_device = nano_spec({"gpu7"});
  EXPECT_THROW(registry.add(bad_device), Error);
  registry.add(nano_spec({"cpu"}));
  EXPECT_THROW(registry.add(nano_spec({"cpu"})), Error);  // duplicate name
  auto bad_precision = nano_spec({"cpu"});
  bad_precision.name = "other";
  bad_precision.precision = "int3";
  EXPECT_THROW(registry.add(bad_precision), Error);
  registry.shutdown(std::chrono::milliseconds(0));
}

}  // namespace
}  // namespace chatterbox::runtime
