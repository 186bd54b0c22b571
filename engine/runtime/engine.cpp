#include "engine/runtime/engine.h"

#include <ATen/CPUGeneratorImpl.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>

#include "engine/common/error.h"
#include "engine/log/log.h"
#include "engine/models/s3gen/estimator_graphs.h"
#include "engine/models/t3/t3_decoder.h"
#include "engine/pipeline/speech_stream.h"
#include "engine/runtime/audio_worker.h"
#include "engine/runtime/speech_budget.h"
#include "engine/text/sentence_splitter.h"

namespace chatterbox::runtime {

// One request inside the engine.
struct EngineJob {
  SynthesisRequest request;
  std::shared_ptr<SynthesisHandle> handle;
  pipeline::ResolvedOptions resolved;
  pipeline::Conditionals voice;               // exaggeration applied
  models::t3::T3Conditionals t3_voice;        // on T3's device; empty for voice conversion
  std::vector<torch::Tensor> segment_tokens;  // T3 text tokens per text chunk
  std::vector<int64_t> segment_limits;        // T3 token limit per text chunk
  torch::Tensor source_tokens;                // voice conversion: S3 tokens of the source
  size_t segment = 0;

  std::unique_ptr<sampling::GeneratorUniforms> uniforms;
  std::unique_ptr<pipeline::SpeechStream> stream;
  int64_t slot = -1;        // T3 slot while decoding
  int64_t held_token = -1;  // multilingual: the newest token, not yet streamed
  int64_t chunks = 0;
  // While its stream decodes a chunk on the audio worker, T3's tokens wait here.
  bool decoding = false;
  std::vector<int64_t> tokens_waiting;
  bool finish_waiting = false;
  bool dropped = false;  // ended while its chunk decoded: the chunk's audio is discarded

  Clock::time_point submitted;
  FinalRecord record;
  bool all_stopped = true;
};

namespace {

// T3 on CUDA decodes many times faster than real time even with every slot busy (bench/NOTES.md
// v7), so later chunks can grow faster there; elsewhere doubling keeps a stream ahead.
int64_t default_chunk_growth(const pipeline::Pipeline& p) {
  const auto parts = p.components();
  const bool has_t3 =
      std::find(parts.begin(), parts.end(), pipeline::Component::kT3) != parts.end();
  return p.device_of(has_t3 ? pipeline::Component::kT3 : pipeline::Component::kFlow).is_cuda() ? 4
                                                                                               : 2;
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

uint64_t random_seed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

std::string make_request_id() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t prefix = random_seed() & 0xffffff;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "req-%06llx-%llu", static_cast<unsigned long long>(prefix),
                static_cast<unsigned long long>(++counter));
  return buffer;
}

// The flow's CFM estimator as CUDA graphs, where asked and the flow runs on CUDA.
std::unique_ptr<models::s3gen::EstimatorGraphs> flow_graphs(const pipeline::Pipeline& pipeline,
                                                            const EngineOptions& options) {
  const torch::Device device = pipeline.s3gen().device();
  if (!options.flow_graphs || !models::ShapeGraphs::available(device)) return nullptr;
  return std::make_unique<models::s3gen::EstimatorGraphs>(device);
}

std::exception_ptr error(ErrorCode code, const std::string& message) {
  return std::make_exception_ptr(Error(code, message));
}

}  // namespace

class Engine::Loop {
 public:
  Loop(const pipeline::Pipeline& pipeline, const EngineOptions& options, std::string device,
       std::atomic<int64_t>& completed)
      : pipeline_(pipeline),
        options_(options),
        device_(std::move(device)),
        completed_(completed),
        flow_graphs_(flow_graphs(pipeline, options)),
        audio_(pipeline.s3gen().device(),
               options.audio_thread.value_or(pipeline.s3gen().device().is_cuda())) {
    if (pipeline.t3()) {
      const int64_t max_len = options.max_len > 0 ? options.max_len : EngineOptions::kDefaultMaxLen;
      const auto mode = options.cuda_graphs ? models::t3::fastest_step_mode(pipeline.t3()->device())
                                            : models::t3::T3StepMode::kExact;
      decoder_ =
          std::make_unique<models::t3::T3Decoder>(*pipeline.t3(), options.max_slots, max_len, mode);
      try {
        c10::InferenceMode inference;
        decoder_->capture_graphs();
      } catch (const std::exception& e) {
        log::warn(std::string("T3 step graphs not captured, stepping without them: ") + e.what());
        decoder_ = std::make_unique<models::t3::T3Decoder>(*pipeline.t3(), options.max_slots,
                                                           max_len, models::t3::T3StepMode::kExact);
      }
      log::info("T3 slots: " + std::to_string(options.max_slots) + " x " + std::to_string(max_len) +
                " positions, KV cache " + std::to_string(decoder_->cache_bytes() >> 20) +
                " MiB on " + device_ +
                (decoder_->graphs_captured() > 0
                     ? ", " + std::to_string(decoder_->graphs_captured()) + " step graphs"
                     : ""));
    }
    thread_ = std::thread([this] { run(); });
  }

  ~Loop() { stop(std::chrono::milliseconds(0)); }

  void enqueue(std::shared_ptr<EngineJob> job) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) fail(ErrorCode::kUnavailable, "the engine is shutting down");
      if (queued_.load() >= options_.max_queue)
        fail(ErrorCode::kResourceExhausted, "the queue is full (" +
                                                std::to_string(options_.max_queue) +
                                                " waiting): try again later");
      incoming_.push_back(std::move(job));
      ++queued_;
    }
    wake_.notify_all();
  }

  int64_t queued() const { return queued_.load(); }
  int64_t active() const { return active_.load(); }
  int64_t cache_bytes() const { return decoder_ ? decoder_->cache_bytes() : 0; }
  Clock::time_point heartbeat() const {
    return Clock::time_point(Clock::duration(heartbeat_.load()));
  }

  void stop(std::chrono::milliseconds grace) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!stopping_) {
        stopping_ = true;
        stop_at_ = Clock::now() + grace;
      }
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    name_thread();
    c10::InferenceMode inference;
    while (true) {
      beat();
      {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!wake_.wait_for(lock, kIdleHeartbeat,
                               [&] { return stopping_ || !incoming_.empty() || busy(); }))
          beat();
        while (!incoming_.empty()) {
          waiting_.push_back(std::move(incoming_.front()));
          incoming_.pop_front();
        }
        if (stopping_ && (Clock::now() >= stop_at_ || !busy())) break;
      }
      turn();
    }
    finish_decoding();
    abandon_all(error(ErrorCode::kUnavailable, "the server is shutting down"));
  }

  void beat() { heartbeat_.store(Clock::now().time_since_epoch().count()); }

  // "cbx-engine" in top, gdb and /proc/PID/task/*/comm (the intra-op threads it starts inherit
  // the name).
  static void name_thread() {
#ifdef __APPLE__
    pthread_setname_np("cbx-engine");
#else
    pthread_setname_np(pthread_self(), "cbx-engine");
#endif
  }

  bool busy() const {
    return !waiting_.empty() || !jobs_.empty() || !needs_slot_.empty();
  }

  void turn() {
    expire();
    admit();
    step_t3();
    decode_audio();
  }

  // Cancelled requests and requests past their deadline leave at once, slot and all.
  void expire() {
    const auto now = Clock::now();
    auto expired = [&](EngineJob& job) -> std::exception_ptr {
      if (job.handle->cancelled()) return error(ErrorCode::kCancelled, "the request was cancelled");
      if (job.request.deadline && now >= *job.request.deadline)
        return error(ErrorCode::kDeadlineExceeded, "the request's deadline passed");
      return nullptr;
    };
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (auto e = expired(**it)) {
        (*it)->handle->fail(e);
        --queued_;
        it = waiting_.erase(it);
      } else {
        ++it;
      }
    }
    for (size_t i = 0; i < jobs_.size();) {
      if (auto e = expired(*jobs_[i])) {
        drop(i, e);
      } else {
        ++i;
      }
    }
  }

  // Frees what job i holds and ends it with `e`.
  void drop(size_t i, std::exception_ptr e) {
    auto job = jobs_[i];
    job->dropped = true;
    if (job->slot >= 0 && decoder_) decoder_->release(job->slot);
    slot_owner_.erase(job->slot);
    needs_slot_.erase(std::remove(needs_slot_.begin(), needs_slot_.end(), job.get()),
                      needs_slot_.end());
    // Counted out before the client hears, so a finished client sees the engine idle.
    jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(i));
    --active_;
    job->handle->fail(e);
  }

  void abandon_all(std::exception_ptr e) {
    while (!jobs_.empty()) drop(jobs_.size() - 1, e);
    for (auto& job : waiting_) job->handle->fail(e);
    queued_ -= static_cast<int64_t>(waiting_.size());
    waiting_.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& job : incoming_) job->handle->fail(e);
    queued_ -= static_cast<int64_t>(incoming_.size());
    incoming_.clear();
  }

  // Requests enter in order while there is room: a T3 slot for a text request (continuing
  // requests' next text chunks come first), an S3Gen turn for voice conversion.
  bool room_for(const EngineJob& job) const {
    if (static_cast<int64_t>(jobs_.size()) >= 2 * options_.max_slots) return false;
    if (job.source_tokens.defined()) return static_cast<int64_t>(jobs_.size()) < options_.max_slots;
    return decoder_->free_slots() > static_cast<int64_t>(needs_slot_.size());
  }

  void admit() {
    while (!waiting_.empty() && room_for(*waiting_.front())) {
      auto job = waiting_.front();
      waiting_.pop_front();
      --queued_;
      ++active_;
      job->record.queue_wait_seconds = seconds_between(job->submitted, Clock::now());
      jobs_.push_back(job);
      start_segment(*job);
    }
    if (!decoder_ || needs_slot_.empty() || decoder_->free_slots() == 0) return;
    std::vector<EngineJob*> joining;
    std::vector<models::t3::T3DecodeRequest> requests;
    while (!needs_slot_.empty() && static_cast<int64_t>(requests.size()) < decoder_->free_slots()) {
      EngineJob* job = needs_slot_.front();
      needs_slot_.pop_front();
      models::t3::T3DecodeRequest r;
      r.cond = job->t3_voice;
      r.text_tokens = job->segment_tokens[job->segment];
      r.options = job->resolved.t3;
      r.options.max_new_tokens = job->segment_limits[job->segment];
      r.uniforms = job->uniforms.get();
      joining.push_back(job);
      requests.push_back(std::move(r));
    }
    const auto start = Clock::now();
    std::vector<models::t3::T3SlotToken> first;
    try {
      first = decoder_->prefill(requests);
    } catch (...) {
      // One bad request must not take the others down: admit them one by one.
      for (size_t i = 0; i < joining.size(); ++i) {
        try {
          auto one = decoder_->prefill({requests[i]});
          first.push_back(one.at(0));
        } catch (...) {
          fail_job(joining[i], std::current_exception());
          joining[i] = nullptr;
          first.push_back(models::t3::T3SlotToken{});
        }
      }
    }
    const double elapsed = seconds_between(start, Clock::now());
    for (size_t i = 0; i < joining.size(); ++i) {
      if (!joining[i]) continue;
      joining[i]->slot = first[i].slot;
      slot_owner_[first[i].slot] = joining[i];
      joining[i]->record.t3_seconds += elapsed;
      take_token(*joining[i], first[i]);
    }
  }

  void start_segment(EngineJob& job) {
    const uint64_t seed = job.resolved.seed + 2 * job.segment;
    job.stream = std::make_unique<pipeline::SpeechStream>(
        job.voice.gen, seed + 1, is_turbo_family(pipeline_.variant()),
        job.request.streaming
            ? pipeline::StreamSchedule{options_.first_chunk_tokens, options_.max_chunk_tokens,
                                       options_.chunk_growth}
            : pipeline::StreamSchedule::whole());
    job.held_token = -1;
    if (job.source_tokens.defined()) {
      const auto* t = job.source_tokens.data_ptr<int64_t>();
      job.stream->append(std::vector<int64_t>(t, t + job.source_tokens.numel()));
      job.stream->finish();
      return;
    }
    job.uniforms = std::make_unique<sampling::GeneratorUniforms>(seed);
    needs_slot_.push_back(&job);
  }

  void take_token(EngineJob& job, const models::t3::T3SlotToken& r) {
    if (r.token >= 0) {
      ++job.record.speech_tokens;
      if (pipeline_.variant() == Variant::kMultilingual) {
        // Upstream drops the audio of the last token: stream each token once the next exists.
        if (job.held_token >= 0) job.tokens_waiting.push_back(job.held_token);
        job.held_token = r.token;
      } else {
        job.tokens_waiting.push_back(r.token);
      }
    }
    if (r.finished) {
      job.all_stopped = job.all_stopped && r.reached_stop;
      slot_owner_.erase(job.slot);
      job.slot = -1;
      job.finish_waiting = true;
    }
    if (!job.decoding) pass_tokens(job);
  }

  // Hands T3's waiting tokens (and its finish) to the job's stream.
  void pass_tokens(EngineJob& job) {
    if (!job.tokens_waiting.empty()) job.stream->append(job.tokens_waiting);
    job.tokens_waiting.clear();
    if (job.finish_waiting) job.stream->finish();
    job.finish_waiting = false;
  }

  void step_t3() {
    if (!decoder_ || decoder_->active() == 0) return;
    const auto start = Clock::now();
    std::vector<models::t3::T3SlotToken> results;
    try {
      results = decoder_->step();
    } catch (...) {
      log::error(std::string("T3 step failed; its requests end with the error"));
      auto e = std::current_exception();
      std::vector<EngineJob*> owners;
      for (auto& [slot, job] : slot_owner_) owners.push_back(job);
      for (EngineJob* job : owners) fail_job(job, e);
      return;
    }
    const double elapsed = seconds_between(start, Clock::now());
    for (const auto& r : results) {
      EngineJob* job = slot_owner_.at(r.slot);
      job->record.t3_seconds += elapsed;
      take_token(*job, r);
    }
  }

  // One group of due chunks (the one holding the longest-waiting request) decodes at a time,
  // on the audio worker, while T3 keeps stepping; the loop collects it when it is done.
  void decode_audio() {
    if (audio_.busy()) {
      const bool t3_idle = !decoder_ || decoder_->active() == 0;
      // Nothing else to do: wait for the audio rather than spin (short, to see new requests).
      if (!audio_.done() && !(t3_idle && audio_.wait_for(std::chrono::milliseconds(5)))) return;
      collect_audio();
    }
    if (start_audio() && audio_.done()) collect_audio();
  }

  // Lets the chunk in flight end before the jobs it decodes for go.
  void finish_decoding() {
    if (!audio_.busy()) return;
    while (!audio_.wait_for(std::chrono::milliseconds(100))) {
    }
    collect_audio();
  }

  bool start_audio() {
    std::map<int64_t, std::vector<std::shared_ptr<EngineJob>>> groups;
    EngineJob* oldest = nullptr;
    for (auto& job : jobs_) {
      if (!job->stream || !job->stream->chunk_ready()) continue;
      groups[job->stream->prompt_tokens()].push_back(job);
      if (!oldest || job->submitted < oldest->submitted) oldest = job.get();
    }
    if (!oldest) return false;
    decoding_ = std::move(groups[oldest->stream->prompt_tokens()]);
    decoded_.assign(decoding_.size(), torch::Tensor());
    std::vector<pipeline::SpeechStream*> streams;
    for (auto& job : decoding_) {
      job->decoding = true;
      streams.push_back(job->stream.get());
    }
    decode_started_ = Clock::now();
    const auto& s3gen = pipeline_.s3gen();
    audio_.start([this, &s3gen, streams] {
      auto audio = pipeline::decode_next_chunks(s3gen, streams, flow_graphs_.get());
      // On the host here, so the loop never waits for this thread's device work.
      for (size_t i = 0; i < audio.size(); ++i)
        decoded_[i] = audio[i].to(torch::kCPU, torch::kFloat32).contiguous();
    });
    return true;
  }

  void collect_audio() {
    auto group = std::move(decoding_);
    decoding_.clear();
    for (auto& job : group) job->decoding = false;
    try {
      audio_.collect();
    } catch (...) {
      log::error("S3Gen decode failed; its requests end with the error");
      auto e = std::current_exception();
      for (auto& job : group)
        if (!job->dropped) fail_job(job.get(), e);
      return;
    }
    const auto now = Clock::now();
    for (size_t i = 0; i < group.size(); ++i) {
      EngineJob& job = *group[i];
      if (job.dropped) continue;
      pass_tokens(job);
      job.record.s3gen_seconds += seconds_between(decode_started_, now);
      deliver(job, decoded_[i], now);
      if (job.stream->done()) next_segment_or_finish(job);
    }
  }

  void deliver(EngineJob& job, const torch::Tensor& audio, Clock::time_point now) {
    if (audio.numel() == 0) return;
    auto samples = audio.to(torch::kCPU, torch::kFloat32).contiguous();
    AudioChunk chunk;
    chunk.samples.assign(samples.data_ptr<float>(), samples.data_ptr<float>() + samples.numel());
    chunk.index = job.chunks++;
    chunk.first_sample = job.record.samples;
    chunk.tokens_generated = job.record.speech_tokens;
    if (job.record.samples == 0)
      job.record.time_to_first_audio = seconds_between(job.submitted, now);
    job.record.samples += samples.numel();
    job.handle->push(std::move(chunk));
  }

  void next_segment_or_finish(EngineJob& job) {
    if (job.segment + 1 < job.segment_tokens.size()) {
      ++job.segment;
      start_segment(job);
      return;
    }
    job.record.reached_stop = job.source_tokens.defined() ? true : job.all_stopped;
    job.record.audio_seconds = static_cast<double>(job.record.samples) / pipeline::kS3GenRate;
    job.record.total_seconds = seconds_between(job.submitted, Clock::now());
    std::shared_ptr<EngineJob> keep;
    for (size_t i = 0; i < jobs_.size(); ++i)
      if (jobs_[i].get() == &job) {
        keep = jobs_[i];
        jobs_.erase(jobs_.begin() + static_cast<std::ptrdiff_t>(i));
        --active_;
        break;
      }
    ++completed_;
    job.handle->finish(job.record);
  }

  void fail_job(EngineJob* job, std::exception_ptr e) {
    for (size_t i = 0; i < jobs_.size(); ++i)
      if (jobs_[i].get() == job) return drop(i, e);
  }

  const pipeline::Pipeline& pipeline_;
  EngineOptions options_;
  std::string device_;
  std::atomic<int64_t>& completed_;
  std::unique_ptr<models::t3::T3Decoder> decoder_;
  std::unique_ptr<models::s3gen::EstimatorGraphs> flow_graphs_;  // outlives audio_'s task
  AudioWorker audio_;
  std::vector<std::shared_ptr<EngineJob>> decoding_;  // the chunk group on audio_
  std::vector<torch::Tensor> decoded_;                // its audio, written by audio_'s task
  Clock::time_point decode_started_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<EngineJob>> incoming_;  // under mutex_
  bool stopping_ = false;
  Clock::time_point stop_at_;
  std::atomic<int64_t> queued_{0};
  std::atomic<int64_t> active_{0};
  std::atomic<Clock::rep> heartbeat_{Clock::now().time_since_epoch().count()};

  // The loop thread's own.
  std::deque<std::shared_ptr<EngineJob>> waiting_;
  std::vector<std::shared_ptr<EngineJob>> jobs_;
  std::deque<EngineJob*> needs_slot_;
  std::map<int64_t, EngineJob*> slot_owner_;
  std::thread thread_;
};

Engine::Engine(std::shared_ptr<const pipeline::Pipeline> pipeline, EngineOptions options,
               std::string device_name)
    : pipeline_(std::move(pipeline)), options_(options), device_name_(std::move(device_name)) {
  if (options_.max_slots < 1 || options_.max_queue < 0 || options_.first_chunk_tokens < 1 ||
      options_.max_chunk_tokens < options_.first_chunk_tokens || options_.chunk_growth < 0 ||
      options_.chunk_growth > pipeline::StreamSchedule::kMaxGrowth)
    fail(ErrorCode::kInvalidArgument,
         "engine options: max_slots >= 1, max_queue >= 0, "
         "1 <= first_chunk_tokens <= max_chunk_tokens and chunk_growth from 0 (auto) to " +
             std::to_string(pipeline::StreamSchedule::kMaxGrowth));
  if (options_.chunk_growth == 0) options_.chunk_growth = default_chunk_growth(*pipeline_);
  loop_ = std::make_unique<Loop>(*pipeline_, options_, device_name_, completed_);
}

Engine::~Engine() = default;

// The speech tokens one text chunk may take: what the request says, or the text's bound, cut to
// what a KV slot holds beside the chunk's prefill.
int64_t Engine::token_limit(const std::string& piece, const torch::Tensor& text_tokens,
                            const EngineJob& job, const SynthesisRequest& request) const {
  const auto& t3 = *pipeline_->t3();
  const int64_t max_len = options_.max_len > 0 ? options_.max_len : EngineOptions::kDefaultMaxLen;
  const int64_t extra = t3.config().is_llama() ? 0 : 1;  // GPT-2 samples one more token
  const int64_t room = max_len - t3.prefill_length(job.t3_voice, text_tokens.size(1)) - extra;
  if (request.options.max_new_tokens) {
    if (job.resolved.t3.max_new_tokens > room)
      fail(ErrorCode::kInvalidArgument,
           "max_new_tokens " + std::to_string(job.resolved.t3.max_new_tokens) +
               " does not fit a T3 slot beside this text (room for " + std::to_string(room) +
               "): lower it, or start the server with a larger max_len");
    return job.resolved.t3.max_new_tokens;
  }
  if (room < 1)
    fail(ErrorCode::kResourceExhausted,
         "a text chunk is too long for a T3 slot of " + std::to_string(max_len) + " positions");
  return std::min(room, speech_token_bound(piece));
}

std::shared_ptr<SynthesisHandle> Engine::submit(SynthesisRequest request) {
  c10::InferenceMode inference;
  auto job = std::make_shared<EngineJob>();
  job->submitted = Clock::now();
  if (request.id.empty()) request.id = make_request_id();
  const pipeline::Pipeline& p = *pipeline_;
  if (p.variant() == Variant::kVoiceConversion) {
    if (request.source_audio_16k.empty())
      fail(ErrorCode::kInvalidArgument, "voice conversion needs source audio");
    const auto source =
        torch::from_blob(request.source_audio_16k.data(),
                         {static_cast<int64_t>(request.source_audio_16k.size())}, torch::kFloat32)
            .clone();
    job->source_tokens = p.source_tokens(source).reshape({-1}).contiguous();
    job->voice = request.voice ? *request.voice : p.builtin_voice();
    job->resolved.seed = request.options.seed ? *request.options.seed : random_seed();
    job->segment_tokens.emplace_back();
  } else {
    if (request.text.find_first_not_of(" \t\r\n") == std::string::npos)
      fail(ErrorCode::kInvalidArgument, "the text is empty");
    if (static_cast<int64_t>(request.text.size()) > options_.max_request_chars * 4)
      fail(ErrorCode::kResourceExhausted, "the text is longer than the limit of " +
                                              std::to_string(options_.max_request_chars) +
                                              " characters");
    job->resolved = p.resolve(request.options);
    job->voice = p.request_voice(request.voice.get(), job->resolved.exaggeration);
    job->t3_voice = p.t3_conditionals(job->voice);
    const int64_t chunk_chars = options_.max_text_chars > 0 ? options_.max_text_chars
                                                            : default_text_chunk_chars(p.variant());
    for (const auto& piece :
         text::split_for_synthesis(request.text, static_cast<size_t>(chunk_chars))) {
      job->segment_tokens.push_back(p.text_tokens(piece, request.language));
      job->segment_limits.push_back(token_limit(piece, job->segment_tokens.back(), *job, request));
    }
    if (job->segment_tokens.empty()) fail(ErrorCode::kInvalidArgument, "the text is empty");
    job->record.text_segments = static_cast<int64_t>(job->segment_tokens.size());
  }
  job->record.request_id = request.id;
  job->record.device = device_name_;
  job->handle = std::make_shared<SynthesisHandle>(request.id, pipeline::kS3GenRate);
  job->request = std::move(request);
  auto handle = job->handle;
  loop_->enqueue(std::move(job));
  return handle;
}

int64_t Engine::queue_depth() const {
  return loop_->queued();
}
int64_t Engine::active_streams() const {
  return loop_->active();
}
int64_t Engine::kv_cache_bytes() const {
  return loop_->cache_bytes();
}
Clock::time_point Engine::heartbeat() const {
  return loop_->heartbeat();
}

void Engine::shutdown(std::chrono::milliseconds grace) {
  loop_->stop(grace);
}

}  // namespace chatterbox::runtime
