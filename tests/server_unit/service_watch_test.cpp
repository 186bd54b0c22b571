#include "server/service_watch.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "server/engine_stall.h"

namespace chatterbox::server {
namespace {

using runtime::InstanceState;
using std::chrono::milliseconds;

runtime::InstanceStatus instance(const std::string& name, InstanceState state,
                                 double heartbeat_age = -1, const std::string& device = "cpu") {
  runtime::InstanceStatus s;
  s.name = name;
  s.device = device;
  s.state = state;
  s.warm = state == InstanceState::kReady;
  s.heartbeat_age_seconds = heartbeat_age;
  return s;
}

struct Sent {
  std::vector<std::string> lines;
  ServiceWatch::Send sink() {
    return [this](const std::string& s) { lines.push_back(s); };
  }
  int count(const std::string& line) const {
    return static_cast<int>(std::count(lines.begin(), lines.end(), line));
  }
};

TEST(ServiceStatusLine, SaysWhatEachInstanceIsDoing) {
  EXPECT_EQ(service_status_line({instance("nano", InstanceState::kLoading, -1, "cuda:0")}),
            "loading model nano on cuda:0");
  EXPECT_EQ(service_status_line({instance("nano", InstanceState::kReady, 0.1),
                                 instance("turbo", InstanceState::kWarmingUp)}),
            "warming turbo on cpu");
  auto failed = instance("vc", InstanceState::kFailed);
  failed.error = "no s3gen.safetensors";
  EXPECT_EQ(service_status_line({failed}), "model vc on cpu failed: no s3gen.safetensors");
  EXPECT_EQ(service_status_line({instance("nano", InstanceState::kReady, 0.1, "cuda:0"),
                                 instance("nano", InstanceState::kReady, 0.1, "cuda:1"),
                                 instance("turbo", InstanceState::kReady, 0.1)}),
            "serving 2 models: nano on cuda:0, nano on cuda:1, turbo on cpu");
  // Where a component fell back, the instance runs where its first component is.
  auto fell_back = instance("nano", InstanceState::kReady, 0.1, "cuda:0");
  fell_back.components.push_back({"t3", "cuda:0", "cpu", "float32", "out of memory"});
  EXPECT_EQ(service_status_line({fell_back}), "serving 1 model: nano on cpu");
}

TEST(StalledEngines, OnlyRunningEnginesPastTheLimit) {
  auto stuck = instance("nano", InstanceState::kReady, 75.31);
  stuck.replica = 1;
  const auto stalled = stalled_engines({instance("a", InstanceState::kLoading, -1),
                                        instance("b", InstanceState::kReady, 59.9), stuck},
                                       60.0);
  ASSERT_EQ(stalled.size(), 1u);
  EXPECT_EQ(stalled[0], "nano[1] (75.3 s)");
}

TEST(ServiceWatch, StatusOnChangeAndReadyOnceWhenReady) {
  Sent sent;
  ServiceWatch watch(sent.sink(), std::chrono::microseconds(0));
  const auto t = runtime::Clock::now();
  watch.update({instance("nano", InstanceState::kLoading)}, false, t);
  watch.update({instance("nano", InstanceState::kLoading)}, false, t + milliseconds(100));
  watch.update({instance("nano", InstanceState::kWarmingUp)}, false, t + milliseconds(200));
  watch.update({instance("nano", InstanceState::kReady, 0)}, true, t + milliseconds(300));
  watch.update({instance("nano", InstanceState::kReady, 0)}, true, t + milliseconds(400));
  EXPECT_EQ(sent.lines, (std::vector<std::string>{
                            "STATUS=loading model nano on cpu", "STATUS=warming nano on cpu",
                            "STATUS=serving 1 model: nano on cpu", "READY=1"}));
  watch.stopping("draining");
  EXPECT_EQ(sent.lines.back(), "STOPPING=1\nSTATUS=draining");
}

TEST(ServiceWatch, PingsAtHalfTheIntervalWhileEveryEngineTurns) {
  Sent sent;
  ServiceWatch watch(sent.sink(), std::chrono::seconds(1));
  const auto t = runtime::Clock::now();
  const std::vector<runtime::InstanceStatus> alive = {instance("nano", InstanceState::kReady, 0.2),
                                                      instance("turbo", InstanceState::kLoading)};
  for (int i = 0; i <= 20; ++i) watch.update(alive, true, t + milliseconds(100 * i));
  EXPECT_EQ(sent.count("WATCHDOG=1"), 5);  // at 0, 0.5, 1, 1.5 and 2 s

  // One engine's loop has not turned for longer than the interval: no pings.
  const std::vector<runtime::InstanceStatus> stuck = {instance("nano", InstanceState::kReady, 0.2),
                                                      instance("nano", InstanceState::kReady, 1.5)};
  for (int i = 21; i <= 40; ++i) watch.update(stuck, true, t + milliseconds(100 * i));
  EXPECT_EQ(sent.count("WATCHDOG=1"), 5);

  watch.update(alive, true, t + milliseconds(4100));
  EXPECT_EQ(sent.count("WATCHDOG=1"), 6);
}

TEST(ServiceWatch, NoWatchdogNoPings) {
  Sent sent;
  ServiceWatch watch(sent.sink(), std::chrono::microseconds(0));
  const auto t = runtime::Clock::now();
  for (int i = 0; i < 50; ++i)
    watch.update({instance("nano", InstanceState::kReady, 0)}, true, t + milliseconds(100 * i));
  EXPECT_EQ(sent.count("WATCHDOG=1"), 0);
}

}  // namespace
}  // namespace chatterbox::server
