#include "engine/models/t3/step_graphs.h"

#include <map>
#include <utility>

#include "engine/common/error.h"

#ifdef CHATTERBOX_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace chatterbox::models::t3 {

#ifdef CHATTERBOX_WITH_CUDA

namespace {

struct Graph {
  torch::Tensor input;
  torch::Tensor output;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
};

// Work on `to` waits for what was queued on `from` so far.
void order_after(const c10::cuda::CUDAStream& from, const c10::cuda::CUDAStream& to) {
  at::cuda::CUDAEvent event;
  event.record(from);
  event.block(to);
}

}  // namespace

struct StepGraphs::Impl {
  explicit Impl(torch::Device on) : device(on) {}

  torch::Device device;
  at::cuda::MempoolId_t pool = at::cuda::graph_pool_handle();  // shared: graphs never overlap
  std::map<std::pair<int64_t, int64_t>, Graph> graphs;

  Graph capture(const torch::Tensor& inputs, const Step& step) {
    Graph g;
    g.input = inputs.to(device).clone();
    const auto current = c10::cuda::getCurrentCUDAStream(device.index());
    const auto side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
    order_after(current, side);
    {
      c10::cuda::CUDAStreamGuard on_side(side);
      step(g.input);
      g.graph = std::make_unique<at::cuda::CUDAGraph>();
      // Thread-local: other threads may keep using the device while this one captures.
      g.graph->capture_begin(pool, cudaStreamCaptureModeThreadLocal);
      try {
        g.output = step(g.input);
      } catch (...) {
        try {
          g.graph->capture_end();
        } catch (...) {
        }
        throw;
      }
      g.graph->capture_end();
    }
    order_after(side, current);
    return g;
  }
};

bool StepGraphs::available(const torch::Device& device) {
  return device.is_cuda();
}

StepGraphs::StepGraphs(torch::Device device) : impl_(std::make_unique<Impl>(device)) {
  if (!available(device))
    fail(ErrorCode::kInvalidArgument, "CUDA graphs need a CUDA device, not " + device.str());
}

torch::Tensor StepGraphs::run(const torch::Tensor& inputs, int64_t key_length, const Step& step) {
  const auto shape = std::make_pair(inputs.size(1), key_length);
  auto found = impl_->graphs.find(shape);
  if (found == impl_->graphs.end())
    found = impl_->graphs.emplace(shape, impl_->capture(inputs, step)).first;
  Graph& g = found->second;
  g.input.copy_(inputs);
  g.graph->replay();
  return g.output;
}

int64_t StepGraphs::size() const {
  return static_cast<int64_t>(impl_->graphs.size());
}

#else  // no CUDA in this libtorch

struct StepGraphs::Impl {
  explicit Impl(torch::Device) {}
};

bool StepGraphs::available(const torch::Device&) {
  return false;
}

StepGraphs::StepGraphs(torch::Device device) {
  fail(ErrorCode::kInvalidArgument,
       "CUDA graphs are not built into this libtorch (asked for " + device.str() + ")");
}

torch::Tensor StepGraphs::run(const torch::Tensor&, int64_t, const Step&) {
  fail(ErrorCode::kInternal, "CUDA graphs are not built into this libtorch");
}

int64_t StepGraphs::size() const {
  return 0;
}

#endif

StepGraphs::~StepGraphs() = default;

}  // namespace chatterbox::models::t3
