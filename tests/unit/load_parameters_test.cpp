#include "engine/models/load_parameters.h"

#include <gtest/gtest.h>

#include "engine/common/error.h"
#include "engine/io/pattern_weights.h"
#include "tests/support/golden.h"

namespace chatterbox {
namespace {

struct TinyNet : torch::nn::Module {
  TinyNet() {
    proj = register_module("proj", torch::nn::Linear(4, 3));
    norm = register_module("norm", torch::nn::BatchNorm1d(3));
  }
  torch::nn::Linear proj{nullptr};
  torch::nn::BatchNorm1d norm{nullptr};
};

io::StateDict pattern_dict_for(torch::nn::Module& module) {
  io::StateDict dict("tiny.safetensors");
  for (const auto& p : module.named_parameters())
    dict.insert(p.key(), io::pattern_tensor(p.key(), p.value().sizes().vec()));
  for (const auto& b : module.named_buffers())
    dict.insert(b.key(),
                io::pattern_tensor(b.key(), b.value().sizes().vec(), b.value().scalar_type()));
  return dict;
}

TEST(LoadParameters, FillsParametersAndBuffersOnTheTestDevice) {
  TinyNet net;
  net.to(testing::test_device());
  io::StateDict dict = pattern_dict_for(net);
  models::load_parameters(net, dict);
  EXPECT_EQ(net.proj->weight.device(), testing::test_device());
  EXPECT_TENSORS_CLOSE(net.proj->weight, dict.get("proj.weight"), 0.0);
  EXPECT_TENSORS_CLOSE(net.norm->running_var, dict.get("norm.running_var"), 0.0);
  // A forward pass on the device gives the same numbers as on the CPU.
  net.eval();
  torch::NoGradGuard no_grad;
  auto x = io::pattern_tensor("input", {2, 4});
  auto on_device = net.norm->forward(net.proj->forward(x.to(testing::test_device())));
  TinyNet cpu_net;
  models::load_parameters(cpu_net, dict);
  cpu_net.eval();
  EXPECT_TENSORS_CLOSE(on_device.cpu(), cpu_net.norm->forward(cpu_net.proj->forward(x)), 1e-6);
}

TEST(LoadParameters, NamesTheMissingOrMisshapenKey) {
  TinyNet net;
  io::StateDict dict = pattern_dict_for(net);
  io::StateDict wrong("wrong.safetensors");
  for (const auto& key : dict.keys())
    wrong.insert(key, key == "proj.bias" ? torch::zeros({5}) : dict.get(key));
  try {
    models::load_parameters(net, wrong);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'proj.bias' has shape [5], expected [3]"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NO_THROW(models::load_parameters(net, dict, {"norm.num_batches_tracked"}));
}

}  // namespace
}  // namespace chatterbox
