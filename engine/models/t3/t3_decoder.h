#pragma once
// T3 on slots: continuous batching over a KV cache preallocated for max_slots requests of up
// to max_len positions each. Requests join (prefill) and leave (release, or on finishing)
// between any two steps; a step decodes one token for every active request at once and costs
// only the active rows, which are kept packed at the front of the cache. Sampling runs on the
// device over the batch with each request's own options and uniforms, so a request gives the
// same tokens alone or beside others; a step copies only the new tokens to the host.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/models/shape_graphs.h"
#include "engine/models/t3/kv_cache.h"
#include "engine/models/t3/prefix_cache.h"
#include "engine/models/t3/t3_model.h"
#include "engine/sampling/row_sampler.h"

namespace chatterbox::models::t3 {

struct T3DecodeRequest {
  T3Conditionals cond;
  torch::Tensor text_tokens;  // (1, N) int64, as T3Model::generate takes them
  T3GenerationOptions options;
  sampling::UniformSource* uniforms = nullptr;  // the request's own draws; outlives its slot
};

// What one prefill or step gave a slot.
struct T3SlotToken {
  int64_t slot = -1;
  int64_t token = -1;         // the new speech token; -1 when it finished without one
  bool finished = false;      // the slot is free again
  bool reached_stop = false;  // it finished on the stop token
};

// How a decode step runs. kExact: the active rows over the keys they hold. kBucketed: padded to
// fixed shapes (a power-of-two batch of requests, keys in blocks of kKeyBlock positions, masked),
// eagerly: what a graph replays, on any device. kGraphed: kBucketed captured as a CUDA graph per
// shape and replayed. The three give the same tokens; logits agree to float rounding.
enum class T3StepMode { kExact, kBucketed, kGraphed };

// kGraphed where this build and `device` have CUDA graphs, otherwise kExact.
T3StepMode fastest_step_mode(const torch::Device& device);

class T3Decoder {
 public:
  static constexpr int64_t kKeyBlock = 256;
  // Voices whose conditioning keys and values are kept (prefix_cache.h).
  static constexpr size_t kPrefixEntries = 8;

  // max_len: KV positions per slot (conditioning + text + start + speech tokens). key_block:
  // the fixed-shape modes' key buckets.
  T3Decoder(const T3Model& model, int64_t max_slots, int64_t max_len,
            T3StepMode mode = T3StepMode::kExact, int64_t key_block = kKeyBlock);

  int64_t max_slots() const { return max_slots_; }
  int64_t max_len() const { return max_len_; }
  int64_t active() const { return static_cast<int64_t>(order_.size()); }
  int64_t free_slots() const { return max_slots_ - active(); }
  int64_t cache_bytes() const { return cache_.bytes(); }
  const T3Model& model() const { return *model_; }
  T3StepMode mode() const { return mode_; }
  int64_t graphs_captured() const { return graphs_ ? graphs_->size() : 0; }
  // Prefills that found their conditioning's keys and values already computed.
  int64_t prefix_hits() const { return prefixes_.hits(); }

  // KV positions a request needs at most: its prefill plus every token it may sample.
  int64_t positions_needed(const T3DecodeRequest& request) const;

  // Admits the requests (at most free_slots()), runs their prefill (batched where the prefill
  // lengths are equal) and samples the first token of each. Validates each request first and
  // admits none if one is bad (kInvalidArgument, or kResourceExhausted for one longer than
  // max_len). Results are in the order of `requests`; their slot ids stay valid until finished
  // or released.
  std::vector<T3SlotToken> prefill(std::vector<T3DecodeRequest> requests);

  // One token for every active slot, in no particular order.
  std::vector<T3SlotToken> step();

  // kGraphed: captures the graph of every batch and key bucket now rather than at first use
  // (each capture costs a few eager steps). Needs every slot free; its writes land at
  // position 0 of free rows.
  void capture_graphs();

  // Frees a slot (a cancelled request); its rows stop costing compute at the next step.
  void release(int64_t slot);

 private:
  struct Slot {
    bool active = false;
    int64_t length = 0;    // KV positions filled
    int64_t sampled = 0;   // tokens sampled (the stop token included)
    int64_t limit = 0;     // tokens it may sample
    int64_t pending = -1;  // the last token, fed at the next step
    double cfg_weight = 0;
    sampling::SamplingOptions sampling;
    sampling::UniformSource* uniforms = nullptr;
  };

  int64_t admit(const T3DecodeRequest& request);  // takes a free slot, not yet packed
  // Prefills requests of equal prefill and conditioning lengths: each one's conditioning
  // (copied from prefixes_, or computed on its own and kept there), then their texts together.
  std::vector<T3SlotToken> prefill_group(const std::vector<int64_t>& slots,
                                         const std::vector<torch::Tensor>& embeds,
                                         int64_t conditioning);
  void fill_conditioning(int64_t first_row, const torch::Tensor& embeds, int64_t conditioning);
  // Samples one token for the slots at packed positions [first, first + count) from their
  // logits (count * rows_per_request, V), updates their state and frees the finished ones.
  std::vector<T3SlotToken> sample(int64_t first, int64_t count, const torch::Tensor& logits);
  // The step's inputs on the host, (3, batch rows): last token, cache position and speech
  // position per row, padding rows zero. Advances every slot's length.
  torch::Tensor step_inputs(int64_t batch_rows, int64_t& end_position, bool& same_position);
  // Logits (rows, V) of one step over `window` from the inputs (3, rows) on the device.
  torch::Tensor step_logits(const torch::Tensor& inputs, const KVCache::Window& window);
  // The step over the first rows of the cache, its keys read up to key_length: fixed shapes.
  ShapeGraphs::Step bucketed_step(int64_t key_length);
  int64_t batch_bucket(int64_t count) const;
  int64_t key_bucket(int64_t end_position) const;
  void refresh_row_options();
  void move_packed(int64_t from, int64_t to);

  const T3Model* model_;
  T3StepMode mode_;
  std::unique_ptr<ShapeGraphs> graphs_;  // kGraphed
  int64_t max_slots_;
  int64_t max_len_;
  int64_t key_block_;
  int64_t rows_per_request_;
  sampling::ProcessorChain chain_;
  KVCache cache_;
  PrefixCache prefixes_{kPrefixEntries};
  torch::Tensor seen_;  // (max_slots, V) bool, by packed position
  std::vector<Slot> slots_;
  std::vector<int64_t> order_;  // slot id at each packed position
  sampling::RowOptions row_options_;
  torch::Tensor cfg_weights_;  // (active, 1) float32
  bool options_dirty_ = true;
};

}  // namespace chatterbox::models::t3
