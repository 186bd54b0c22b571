#include "engine/models/shape_graphs.h"

#include <map>
#include <utility>

#include "engine/common/error.h"

#ifdef CHATTERBOX_WITH_CUDA
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace chatterbox::models {

#ifdef CHATTERBOX_WITH_CUDA

namespace {

struct Graph {
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

struct ShapeGraphs::Impl {
  explicit Impl(torch::Device on) : device(on) {}

  torch::Device device;
  at::cuda::MempoolId_t pool = at::cuda::graph_pool_handle();  // shared: graphs never overlap
  std::map<std::vector<int64_t>, Graph> graphs;
  std::map<std::vector<int64_t>, torch::Tensor> inputs;  // run()'s

  // Captures on a side stream (capture needs a stream other than the default one).
  Graph capture(const Body& body) {
    Graph g;
    const auto current = c10::cuda::getCurrentCUDAStream(device.index());
    const auto side = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
    order_after(current, side);
    {
      c10::cuda::CUDAStreamGuard on_side(side);
      body();
      g.graph = std::make_unique<at::cuda::CUDAGraph>();
      // Thread-local: other threads may keep using the device while this one captures.
      g.graph->capture_begin(pool, cudaStreamCaptureModeThreadLocal);
      try {
        g.output = body();
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

bool ShapeGraphs::available(const torch::Device& device) {
  return device.is_cuda();
}

ShapeGraphs::ShapeGraphs(torch::Device device) : impl_(std::make_unique<Impl>(device)) {
  if (!available(device))
    fail(ErrorCode::kInvalidArgument, "CUDA graphs need a CUDA device, not " + device.str());
}

torch::Tensor ShapeGraphs::replay(const std::vector<int64_t>& shape, const Body& body) {
  auto found = impl_->graphs.find(shape);
  if (found == impl_->graphs.end())
    found = impl_->graphs.emplace(shape, impl_->capture(body)).first;
  found->second.graph->replay();
  return found->second.output;
}

torch::Tensor ShapeGraphs::run(const std::vector<int64_t>& shape, const torch::Tensor& input,
                               const Step& step) {
  auto found = impl_->inputs.find(shape);
  if (found == impl_->inputs.end())
    found = impl_->inputs.emplace(shape, input.to(impl_->device).clone()).first;
  const torch::Tensor& own = found->second;
  own.copy_(input);
  return replay(shape, [&] { return step(own); });
}

int64_t ShapeGraphs::size() const {
  return static_cast<int64_t>(impl_->graphs.size());
}

#else  // no CUDA in this libtorch

struct ShapeGraphs::Impl {};

bool ShapeGraphs::available(const torch::Device&) {
  return false;
}

ShapeGraphs::ShapeGraphs(torch::Device device) {
  fail(ErrorCode::kInvalidArgument,
       "CUDA graphs are not built into this libtorch (asked for " + device.str() + ")");
}

torch::Tensor ShapeGraphs::replay(const std::vector<int64_t>&, const Body&) {
  fail(ErrorCode::kInternal, "CUDA graphs are not built into this libtorch");
}

torch::Tensor ShapeGraphs::run(const std::vector<int64_t>&, const torch::Tensor&, const Step&) {
  fail(ErrorCode::kInternal, "CUDA graphs are not built into this libtorch");
}

int64_t ShapeGraphs::size() const {
  return 0;
}

#endif

ShapeGraphs::~ShapeGraphs() = default;

}  // namespace chatterbox::models
