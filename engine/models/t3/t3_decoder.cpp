#include "engine/models/t3/t3_decoder.h"

#include <algorithm>
#include <map>
#include <string>

#include "engine/common/error.h"

namespace chatterbox::models::t3 {
namespace {

sampling::RowOptions narrow_rows(const sampling::RowOptions& o, int64_t first, int64_t count) {
  sampling::RowOptions r = o;
  r.temperature = o.temperature.narrow(0, first, count);
  r.top_k = o.top_k.narrow(0, first, count);
  r.top_p_threshold = o.top_p_threshold.narrow(0, first, count);
  r.min_p = o.min_p.narrow(0, first, count);
  r.repetition_penalty = o.repetition_penalty.narrow(0, first, count);
  return r;
}

// Tokens a request may sample: Llama max_new_tokens (the stop token included); GPT-2 a first
// token from the prefill plus max_new_tokens more (spec 6.10).
int64_t token_limit(const T3Config& config, const T3GenerationOptions& options) {
  return config.is_llama() ? options.max_new_tokens : options.max_new_tokens + 1;
}

}  // namespace

T3StepMode fastest_step_mode(const torch::Device& device) {
  return ShapeGraphs::available(device) ? T3StepMode::kGraphed : T3StepMode::kExact;
}

T3Decoder::T3Decoder(const T3Model& model, int64_t max_slots, int64_t max_len, T3StepMode mode,
                     int64_t key_block)
    : model_(&model),
      mode_(mode),
      max_slots_(max_slots),
      max_len_(max_len),
      key_block_(key_block),
      rows_per_request_(model.rows_per_request()),
      chain_(model.config().is_llama() ? sampling::ProcessorChain::kLlama
                                       : sampling::ProcessorChain::kGpt2),
      cache_(model.backbone().make_cache(max_slots * model.rows_per_request(), max_len)),
      slots_(static_cast<size_t>(max_slots)) {
  if (max_slots < 1) fail(ErrorCode::kInvalidArgument, "a T3 decoder needs at least one slot");
  if (key_block < 1) fail(ErrorCode::kInvalidArgument, "a T3 decoder's key block must be positive");
  seen_ = torch::zeros({max_slots, model.config().speech_vocab},
                       torch::TensorOptions().dtype(torch::kBool).device(model.device()));
  if (mode == T3StepMode::kGraphed) graphs_ = std::make_unique<ShapeGraphs>(model.device());
}

int64_t T3Decoder::positions_needed(const T3DecodeRequest& request) const {
  const int64_t text = request.text_tokens.defined() ? request.text_tokens.size(-1) : 0;
  return model_->prefill_length(request.cond, text) +
         token_limit(model_->config(), request.options);
}

std::vector<T3SlotToken> T3Decoder::prefill(std::vector<T3DecodeRequest> requests) {
  torch::NoGradGuard no_grad;
  if (static_cast<int64_t>(requests.size()) > free_slots())
    fail(ErrorCode::kResourceExhausted, "T3 decoder: " + std::to_string(requests.size()) +
                                            " requests for " + std::to_string(free_slots()) +
                                            " free slots");
  // Validate and embed every request before any takes a slot.
  std::vector<torch::Tensor> embeds;
  for (const auto& r : requests) {
    r.options.validate(model_->config());
    if (!r.uniforms) fail(ErrorCode::kInternal, "T3 request without a source of uniforms");
    embeds.push_back(model_->prefill_embeddings(r.cond, r.text_tokens, r.options.cfg_weight));
    const int64_t needed = embeds.back().size(1) + token_limit(model_->config(), r.options);
    if (needed > max_len_)
      fail(ErrorCode::kResourceExhausted,
           "the request needs " + std::to_string(needed) + " T3 positions (prefill " +
               std::to_string(embeds.back().size(1)) + " + tokens); a slot holds " +
               std::to_string(max_len_) + ": shorten the text or max_new_tokens");
  }
  std::vector<int64_t> slot_of;
  // (prefill length, conditioning length) -> requests
  std::map<std::pair<int64_t, int64_t>, std::vector<size_t>> by_length;
  for (size_t i = 0; i < requests.size(); ++i) {
    slot_of.push_back(admit(requests[i]));
    by_length[{embeds[i].size(1), model_->conditioning_length(requests[i].cond)}].push_back(i);
  }
  std::map<int64_t, T3SlotToken> result_of;
  for (const auto& entry : by_length) {
    std::vector<int64_t> group_slots;
    std::vector<torch::Tensor> group_embeds;
    for (size_t i : entry.second) {
      group_slots.push_back(slot_of[i]);
      group_embeds.push_back(embeds[i]);
    }
    for (const auto& r : prefill_group(group_slots, group_embeds, entry.first.second))
      result_of[r.slot] = r;
  }
  std::vector<T3SlotToken> results;
  for (int64_t slot : slot_of) results.push_back(result_of.at(slot));
  return results;
}

int64_t T3Decoder::admit(const T3DecodeRequest& request) {
  for (size_t id = 0; id < slots_.size(); ++id) {
    Slot& slot = slots_[id];
    if (slot.active) continue;
    slot = Slot{};
    slot.active = true;
    slot.limit = token_limit(model_->config(), request.options);
    slot.cfg_weight = request.options.cfg_weight;
    slot.sampling = request.options.sampling;
    slot.uniforms = request.uniforms;
    return static_cast<int64_t>(id);
  }
  fail(ErrorCode::kInternal, "T3 decoder: no free slot");
}

std::vector<T3SlotToken> T3Decoder::prefill_group(const std::vector<int64_t>& slots,
                                                  const std::vector<torch::Tensor>& embeds,
                                                  int64_t conditioning) {
  const int64_t first = active(), count = static_cast<int64_t>(slots.size());
  const int64_t length = embeds.front().size(1), rows = count * rows_per_request_;
  for (int64_t slot : slots) {
    const int64_t packed = active();
    order_.push_back(slot);
    slots_[static_cast<size_t>(slot)].length = length;
    // Every request starts by penalising the start token (spec 6.9, 6.10).
    seen_[packed].zero_();
    seen_[packed][model_->config().start_speech_token].fill_(true);
  }
  options_dirty_ = true;
  std::vector<torch::Tensor> texts;
  for (int64_t j = 0; j < count; ++j) {
    const auto& e = embeds[static_cast<size_t>(j)];
    fill_conditioning((first + j) * rows_per_request_, e, conditioning);
    texts.push_back(e.narrow(1, conditioning, length - conditioning));
  }
  const int64_t steps = length - conditioning;
  const auto positions = consecutive_positions(rows, conditioning, steps, model_->device());
  const auto hidden = model_->backbone().forward(
      torch::cat(texts, 0), positions, cache_,
      CacheSpan::uniform(first * rows_per_request_, rows, conditioning, steps));
  return sample(first, count, model_->speech_logits(hidden.select(1, steps - 1)));
}

void T3Decoder::fill_conditioning(int64_t first_row, const torch::Tensor& embeds,
                                  int64_t conditioning) {
  if (conditioning <= 0) return;
  const auto prefix = embeds.narrow(1, 0, conditioning);
  if (const KVPrefix* kept = prefixes_.find(prefix)) return cache_.write_prefix(first_row, *kept);
  const int64_t rows = embeds.size(0);
  model_->backbone().forward(prefix, consecutive_positions(rows, 0, conditioning, model_->device()),
                             cache_, CacheSpan::uniform(first_row, rows, 0, conditioning));
  prefixes_.insert(prefix, cache_.read_prefix(first_row, rows, conditioning));
}

std::vector<T3SlotToken> T3Decoder::step() {
  torch::NoGradGuard no_grad;
  const int64_t count = active(), rows = count * rows_per_request_;
  if (count == 0) return {};
  const bool exact = mode_ == T3StepMode::kExact;
  int64_t end = 0;
  bool same = true;
  const auto host =
      step_inputs((exact ? count : batch_bucket(count)) * rows_per_request_, end, same);
  torch::Tensor logits;
  if (exact) {
    const auto inputs = host.to(model_->device());
    const int64_t start = end - 1;
    logits = step_logits(inputs, same ? cache_.window(CacheSpan::uniform(0, rows, start, 1), 1)
                                      : cache_.step_window(0, inputs[1], end, end));
  } else {
    const int64_t keys = key_bucket(end);
    const auto bucketed = bucketed_step(keys);
    logits = graphs_ ? graphs_->run({host.size(1), keys}, host, bucketed)
                     : bucketed(host.to(model_->device()));
  }
  return sample(0, count, logits.narrow(0, 0, rows));
}

void T3Decoder::capture_graphs() {
  torch::NoGradGuard no_grad;
  if (!graphs_) return;
  if (active() > 0) fail(ErrorCode::kInternal, "T3 graphs are captured with every slot free");
  for (int64_t count = 1;; count = std::min(2 * count, max_slots_)) {
    const auto inputs = torch::zeros({3, count * rows_per_request_}, torch::kLong);
    for (int64_t keys = key_bucket(1);; keys = key_bucket(keys + 1)) {
      graphs_->run({inputs.size(1), keys}, inputs, bucketed_step(keys));
      if (keys == cache_.capacity()) break;
    }
    if (count == max_slots_) break;
  }
}

torch::Tensor T3Decoder::step_inputs(int64_t batch_rows, int64_t& end_position,
                                     bool& same_position) {
  const int64_t count = active();
  auto host = torch::zeros({3, batch_rows}, torch::kLong);
  auto* h = host.data_ptr<int64_t>();
  const int64_t first_length = slots_[static_cast<size_t>(order_.front())].length;
  for (int64_t p = 0; p < count; ++p) {
    Slot& slot = slots_[static_cast<size_t>(order_[static_cast<size_t>(p)])];
    for (int64_t j = 0; j < rows_per_request_; ++j) {
      const int64_t row = p * rows_per_request_ + j;
      h[row] = slot.pending;
      h[batch_rows + row] = slot.length;
      h[2 * batch_rows + row] = slot.sampled;
    }
    same_position = same_position && slot.length == first_length;
    end_position = std::max(end_position, slot.length + 1);
    ++slot.length;
  }
  return host;
}

torch::Tensor T3Decoder::step_logits(const torch::Tensor& inputs, const KVCache::Window& window) {
  const auto embeds = model_->step_embeddings(inputs[0], inputs[2]);
  const auto hidden = model_->backbone().forward(embeds, inputs[1].unsqueeze(1), cache_, window);
  return model_->speech_logits(hidden.select(1, 0));
}

ShapeGraphs::Step T3Decoder::bucketed_step(int64_t key_length) {
  return [this, key_length](const torch::Tensor& inputs) {
    return step_logits(inputs, cache_.step_window(0, inputs[1], key_length, key_length));
  };
}

int64_t T3Decoder::batch_bucket(int64_t count) const {
  int64_t bucket = 1;
  while (bucket < count) bucket *= 2;
  return std::min(bucket, max_slots_);
}

int64_t T3Decoder::key_bucket(int64_t end_position) const {
  const int64_t blocks = (end_position + key_block_ - 1) / key_block_;
  return std::min(blocks * key_block_, cache_.capacity());
}

void T3Decoder::refresh_row_options() {
  if (!options_dirty_) return;
  std::vector<sampling::SamplingOptions> rows;
  std::vector<double> cfg;
  for (int64_t slot : order_) {
    rows.push_back(slots_[static_cast<size_t>(slot)].sampling);
    cfg.push_back(slots_[static_cast<size_t>(slot)].cfg_weight);
  }
  row_options_ = sampling::RowOptions::build(chain_, rows, model_->device());
  cfg_weights_ =
      torch::tensor(cfg, torch::kFloat64).to(torch::kFloat32).unsqueeze(1).to(model_->device());
  options_dirty_ = false;
}

std::vector<T3SlotToken> T3Decoder::sample(int64_t first, int64_t count,
                                           const torch::Tensor& logits) {
  refresh_row_options();
  torch::Tensor scores = logits;
  if (rows_per_request_ == 2) {
    // CFG: conditional row + w (conditional - unconditional), per request.
    auto pairs = logits.view({count, 2, logits.size(-1)});
    auto conditional = pairs.select(1, 0), unconditional = pairs.select(1, 1);
    scores = conditional + (conditional - unconditional) * cfg_weights_.narrow(0, first, count);
  }
  auto seen = seen_.narrow(0, first, count);
  auto processed =
      sampling::process_logits_rows(chain_, scores, narrow_rows(row_options_, first, count), seen);
  std::vector<double> uniforms;
  std::vector<uint8_t> may_end_empty;
  bool any_may_end_empty = false;
  for (int64_t p = first; p < first + count; ++p) {
    Slot& slot = slots_[static_cast<size_t>(order_[static_cast<size_t>(p)])];
    uniforms.push_back(slot.uniforms->next());
    // GPT-2 stops without sampling when every token was removed, except at its first token.
    const bool may = chain_ == sampling::ProcessorChain::kGpt2 && slot.sampled > 0;
    may_end_empty.push_back(may ? 1 : 0);
    any_may_end_empty = any_may_end_empty || may;
  }
  const auto u = torch::tensor(uniforms, torch::kFloat64).to(scores.device());
  auto tokens = sampling::sample_inverse_cdf_rows(processed.softmax(-1), u);
  if (any_may_end_empty) {
    auto may = torch::tensor(std::vector<int64_t>(may_end_empty.begin(), may_end_empty.end()),
                             torch::kLong)
                   .to(scores.device())
                   .gt(0);
    tokens = torch::where(may.logical_and(sampling::all_removed(processed)),
                          torch::full_like(tokens, -1), tokens);
  }
  const auto host = tokens.to(torch::kCPU);  // the step's one copy to the host
  const int64_t* t = host.data_ptr<int64_t>();

  // GPT-2 penalises the start token only at its first token, then only what it generated.
  for (int64_t i = 0; i < count; ++i)
    if (chain_ == sampling::ProcessorChain::kGpt2 &&
        slots_[static_cast<size_t>(order_[static_cast<size_t>(first + i)])].sampled == 0)
      seen[i].zero_();
  seen.index_put_({torch::arange(count, tokens.options()), tokens.clamp_min(0)}, true);

  std::vector<T3SlotToken> results;
  const int64_t stop = model_->config().stop_speech_token;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t id = order_[static_cast<size_t>(first + i)];
    Slot& slot = slots_[static_cast<size_t>(id)];
    T3SlotToken r;
    r.slot = id;
    if (t[i] < 0) {
      r.finished = true;
    } else if (t[i] == stop) {
      r.finished = r.reached_stop = true;
    } else {
      r.token = slot.pending = t[i];
      r.finished = ++slot.sampled >= slot.limit;
    }
    results.push_back(r);
  }
  for (const auto& r : results)
    if (r.finished) release(r.slot);
  return results;
}

void T3Decoder::release(int64_t slot) {
  if (slot < 0 || slot >= max_slots_ || !slots_[static_cast<size_t>(slot)].active) return;
  size_t packed = 0;
  while (order_[packed] != slot) ++packed;
  const size_t last = order_.size() - 1;
  if (packed != last) move_packed(static_cast<int64_t>(last), static_cast<int64_t>(packed));
  order_.pop_back();
  slots_[static_cast<size_t>(slot)].active = false;
  options_dirty_ = true;
}

void T3Decoder::move_packed(int64_t from, int64_t to) {
  const int64_t id = order_[static_cast<size_t>(from)];
  const int64_t length = slots_[static_cast<size_t>(id)].length;
  for (int64_t j = 0; j < rows_per_request_; ++j)
    cache_.copy_row(from * rows_per_request_ + j, to * rows_per_request_ + j, length);
  seen_[to].copy_(seen_[from]);
  order_[static_cast<size_t>(to)] = id;
}

}  // namespace chatterbox::models::t3
