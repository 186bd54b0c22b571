// The engine on a full-size pattern nano model (GPT-2 small T3, meanflow S3Gen): requests
// decoded together give the audio each gives alone; audio streams in chunks that leave before
// T3 is done; cancellation, deadlines and a full queue end requests with typed errors; long
// text is split and spoken in order.

#include <gtest/gtest.h>

#include <thread>

#include "engine/common/error.h"
#include "engine/pipeline/pipeline.h"
#include "engine/pipeline/stream_noise.h"
#include "engine/runtime/engine.h"
#include "tests/support/golden.h"
#include "tests/support/pattern_models.h"

namespace chatterbox::runtime {
namespace {

std::shared_ptr<const pipeline::Pipeline> nano() {
  static std::shared_ptr<const pipeline::Pipeline> instance =
      pipeline::Pipeline::load(testing::pattern_checkpoint_dir(Variant::kNano), Variant::kNano);
  return instance;
}

// The built-in voice cut to a 2 s prompt (50 tokens, 100 mel frames): S3Gen re-runs its flow
// over the prompt at every chunk, so a short one keeps these tests quick on a CPU.
std::shared_ptr<const pipeline::Conditionals> short_voice() {
  static std::shared_ptr<const pipeline::Conditionals> voice = [] {
    pipeline::Conditionals v = nano()->builtin_voice();
    v.gen.prompt_token = v.gen.prompt_token.narrow(1, 0, 50).contiguous();
    v.gen.prompt_token_len = torch::full_like(v.gen.prompt_token_len, 50);
    v.gen.prompt_feat = v.gen.prompt_feat.narrow(1, 0, 100).contiguous();
    v.t3.cond_prompt_speech_tokens = v.t3.cond_prompt_speech_tokens.narrow(1, 0, 50).contiguous();
    return std::make_shared<const pipeline::Conditionals>(v);
  }();
  return voice;
}

struct Result {
  std::vector<float> audio;
  std::vector<AudioChunk> chunks;
  FinalRecord record;
};

// Pulls the rest of a stream; `r` may hold the chunks already pulled.
Result drain(const std::shared_ptr<SynthesisHandle>& handle, Result r = {}) {
  while (auto chunk = handle->next()) {
    EXPECT_EQ(chunk->index, static_cast<int64_t>(r.chunks.size()));
    EXPECT_EQ(chunk->first_sample, static_cast<int64_t>(r.audio.size()));
    r.audio.insert(r.audio.end(), chunk->samples.begin(), chunk->samples.end());
    r.chunks.push_back(std::move(*chunk));
  }
  r.record = handle->final_record();
  return r;
}

// Pulls the rest of a stream that must end with an error; returns its code.
ErrorCode error_at_the_end(const std::shared_ptr<SynthesisHandle>& handle) {
  try {
    while (handle->next()) {
    }
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "the stream ended without an error";
  return ErrorCode::kInternal;
}

SynthesisRequest request(const std::string& text, uint64_t seed, int64_t max_tokens) {
  SynthesisRequest r;
  r.text = text;
  r.options.seed = seed;
  r.options.max_new_tokens = max_tokens;
  r.voice = short_voice();
  return r;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, static_cast<double>(std::abs(a[i] - b[i])));
  return worst;
}

EngineOptions small_engine(int64_t slots) {
  EngineOptions o;
  o.max_slots = slots;
  o.max_len = 768;
  return o;
}

TEST(Engine, RequestsTogetherGiveTheAudioTheyGiveAlone) {
  std::vector<SynthesisRequest> requests{request("Hello there.", 1, 16),
                                         request("A second, longer sentence to say.", 2, 20),
                                         request("Third.", 3, 12)};
  requests[1].options.temperature = 1.1;
  requests[2].options.top_k = 40;
  std::vector<Result> alone;
  {
    Engine engine(nano(), small_engine(1), "cpu");
    for (const auto& r : requests) alone.push_back(drain(engine.submit(r)));
  }
  Engine engine(nano(), small_engine(3), "cpu");
  std::vector<std::shared_ptr<SynthesisHandle>> handles;
  for (const auto& r : requests) handles.push_back(engine.submit(r));
  for (size_t i = 0; i < requests.size(); ++i) {
    Result together = drain(handles[i]);
    EXPECT_EQ(together.record.speech_tokens, alone[i].record.speech_tokens) << "request " << i;
    EXPECT_LE(max_diff(together.audio, alone[i].audio), 1e-4) << "request " << i;
    EXPECT_GT(together.audio.size(), 0u);
  }
}

// S3Gen on its own thread beside the T3 loop (the CUDA default) hears T3's tokens only between
// its chunks; the audio depends on the tokens and seeds alone, so it equals the inline loop's.
TEST(Engine, AudioThreadGivesTheAudioOfTheInlineLoop) {
  std::vector<SynthesisRequest> requests{request("Beside the loop.", 21, 30),
                                         request("A second one, a little longer.", 22, 24),
                                         request("Third.", 23, 14)};
  auto run = [&](bool audio_thread) {
    auto options = small_engine(3);
    options.audio_thread = audio_thread;
    Engine engine(nano(), options, "cpu");
    std::vector<std::shared_ptr<SynthesisHandle>> handles;
    for (const auto& r : requests) handles.push_back(engine.submit(r));
    std::vector<Result> results;
    for (auto& h : handles) results.push_back(drain(h));
    EXPECT_EQ(engine.active_streams(), 0);
    return results;
  };
  const auto inline_loop = run(false), beside = run(true);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(beside[i].record.speech_tokens, inline_loop[i].record.speech_tokens) << i;
    EXPECT_GE(beside[i].chunks.size(), 2u) << i;
    EXPECT_LE(max_diff(beside[i].audio, inline_loop[i].audio), 1e-4) << "request " << i;
  }
}

// A request cancelled while its chunk decodes on the audio thread ends with kCancelled; the
// chunk's audio is discarded and the engine goes on serving.
TEST(Engine, CancelWhileTheAudioThreadDecodes) {
  auto options = small_engine(2);
  options.audio_thread = true;
  Engine engine(nano(), options, "cpu");
  auto handle = engine.submit(request("Cancelled while its audio decodes.", 24, 200));
  auto other = engine.submit(request("The other one goes on.", 25, 20));
  ASSERT_TRUE(handle->next().has_value());
  handle->cancel();
  EXPECT_EQ(error_at_the_end(handle), ErrorCode::kCancelled);
  EXPECT_EQ(drain(other).record.speech_tokens, 21);
  EXPECT_GT(drain(engine.submit(request("Next.", 26, 10))).audio.size(), 0u);
  EXPECT_EQ(engine.active_streams(), 0);
}

TEST(Engine, StaggeredRequestsKeepTheirAudio) {
  auto a = request("Staggered one.", 11, 20), b = request("Staggered two, later.", 12, 14);
  Result a_alone, b_alone;
  {
    Engine engine(nano(), small_engine(1), "cpu");
    a_alone = drain(engine.submit(a));
    b_alone = drain(engine.submit(b));
  }
  Engine engine(nano(), small_engine(2), "cpu");
  auto ha = engine.submit(a);
  auto first = ha->next();  // a is decoding when b arrives
  ASSERT_TRUE(first.has_value());
  auto hb = engine.submit(b);
  Result started;
  started.audio = first->samples;
  started.chunks.push_back(*first);
  Result a_together = drain(ha, started);
  Result b_together = drain(hb);
  EXPECT_LE(max_diff(a_together.audio, a_alone.audio), 1e-4);
  EXPECT_LE(max_diff(b_together.audio, b_alone.audio), 1e-4);
}

// CUDA graphs of T3's step and of the flow's estimator (EngineOptions::cuda_graphs, flow_graphs)
// give the eager engine's tokens and audio while requests join and leave between replays (the
// batch buckets change under the graphs), on CHATTERBOX_TEST_DEVICE. Float32, so the only
// difference is the rounding of padded kernel shapes. Where the device has no CUDA graphs
// (the CPU) the options are accepted and the engine runs eagerly.
TEST(Engine, GraphsGiveTheAudioOfTheEagerEngine) {
  const torch::Device device = testing::test_device();
  pipeline::PipelineLoadOptions load;
  load.device = device;
  load.precision = pipeline::Precision::kFp32;
  std::shared_ptr<const pipeline::Pipeline> on_device =
      device.is_cpu() ? nano()
                      : pipeline::Pipeline::load(testing::pattern_checkpoint_dir(Variant::kNano),
                                                 Variant::kNano, load);
  std::vector<SynthesisRequest> requests{
      request("Graphs, first of three.", 31, 30),
      request("The second joins while the first speaks.", 32, 22),
      request("Third, after the first.", 33, 16)};
  auto run = [&](bool graphs) {
    auto options = small_engine(2);
    options.cuda_graphs = options.flow_graphs = graphs;
    Engine engine(on_device, options, device.str());
    auto first = engine.submit(requests[0]);
    Result a;
    auto chunk = first->next();  // the first request is speaking when the second arrives
    EXPECT_TRUE(chunk.has_value());
    a.audio = chunk->samples;
    a.chunks.push_back(*chunk);
    auto second = engine.submit(requests[1]);
    a = drain(first, a);
    auto third = engine.submit(requests[2]);
    return std::vector<Result>{a, drain(second), drain(third)};
  };
  const auto eager = run(false), graphed = run(true);
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(graphed[i].record.speech_tokens, eager[i].record.speech_tokens) << "request " << i;
    EXPECT_GE(graphed[i].chunks.size(), 2u) << "request " << i;
    EXPECT_LE(max_diff(graphed[i].audio, eager[i].audio), 1e-4) << "request " << i;
  }
}

TEST(Engine, AudioLeavesInChunksBeforeTheLastToken) {
  Engine engine(nano(), small_engine(1), "cpu");
  Result r = drain(engine.submit(request("Streaming, chunk by chunk.", 5, 30)));
  ASSERT_GE(r.chunks.size(), 2u);
  EXPECT_EQ(r.record.speech_tokens, 31);  // GPT-2: a first token plus max_new_tokens
  EXPECT_LT(r.chunks.front().tokens_generated, r.record.speech_tokens);
  EXPECT_LT(r.record.time_to_first_audio, r.record.total_seconds);
  EXPECT_EQ(r.record.samples, static_cast<int64_t>(r.audio.size()));
  // One-shot length: (tokens + 3 silences) * 960 samples.
  EXPECT_EQ(r.record.samples, (31 + 3) * 960);
  EXPECT_NEAR(r.record.audio_seconds, r.record.samples / 24000.0, 1e-9);
  EXPECT_GT(r.record.t3_seconds, 0);
  EXPECT_GT(r.record.s3gen_seconds, 0);
  EXPECT_EQ(r.record.device, "cpu");
  EXPECT_EQ(r.record.text_segments, 1);
}

TEST(Engine, CancelFreesTheSlotAtTheNextStep) {
  Engine engine(nano(), small_engine(1), "cpu");
  auto handle = engine.submit(request("This one is cancelled early on.", 7, 200));
  ASSERT_TRUE(handle->next().has_value());
  handle->cancel();
  EXPECT_EQ(error_at_the_end(handle), ErrorCode::kCancelled);
  // The slot is free: the next request runs at once.
  Result next = drain(engine.submit(request("Next.", 8, 10)));
  EXPECT_GT(next.audio.size(), 0u);
  EXPECT_EQ(engine.active_streams(), 0);
}

TEST(Engine, ExpiredDeadlineEndsTheRequest) {
  Engine engine(nano(), small_engine(1), "cpu");
  auto r = request("Too late.", 9, 200);
  r.deadline = Clock::now() + std::chrono::milliseconds(300);
  EXPECT_EQ(error_at_the_end(engine.submit(r)), ErrorCode::kDeadlineExceeded);
}

TEST(Engine, FullQueueIsABusyError) {
  auto options = small_engine(1);
  options.max_queue = 1;
  Engine engine(nano(), options, "cpu");
  auto running = engine.submit(request("Running.", 1, 60));
  ASSERT_TRUE(running->next().has_value());  // admitted: the queue is empty again
  auto waiting = engine.submit(request("Waiting.", 2, 5));
  try {
    engine.submit(request("Refused.", 3, 5));
    FAIL() << "a full queue must refuse";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  }
  running->cancel();
  EXPECT_GT(drain(waiting).audio.size(), 0u);
}

TEST(Engine, BadRequestsAreRefusedAtSubmit) {
  Engine engine(nano(), small_engine(1), "cpu");
  auto expect_code = [&](SynthesisRequest r, ErrorCode code) {
    try {
      engine.submit(std::move(r));
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.what();
    }
  };
  expect_code(request("", 1, 5), ErrorCode::kInvalidArgument);
  expect_code(request("   ", 1, 5), ErrorCode::kInvalidArgument);
  auto hot = request("Hot.", 1, 5);
  hot.options.temperature = -1;
  expect_code(hot, ErrorCode::kInvalidArgument);
  expect_code(request("More tokens than the model has positions.", 1, 10000),
              ErrorCode::kInvalidArgument);
  expect_code(request("Fits the model, not the slot.", 1, 2000), ErrorCode::kInvalidArgument);
  expect_code(request(std::string(100000, 'a'), 1, 5), ErrorCode::kResourceExhausted);
}

// A caller that takes its audio whole gets each segment in one S3Gen pass: the one-shot decode
// of T3's tokens with the stream's draws, where a streamed request re-runs the flow per chunk.
TEST(Engine, WholeRequestsAreDecodedInOnePass) {
  Engine engine(nano(), small_engine(2), "cpu");
  const std::string text = "Decoded once, at the end.";
  SynthesisRequest whole_request = request(text, 6, 30);
  whole_request.streaming = false;
  const Result whole = drain(engine.submit(whole_request));
  ASSERT_EQ(whole.chunks.size(), 1u);
  EXPECT_EQ(whole.chunks[0].tokens_generated, whole.record.speech_tokens);
  EXPECT_EQ(whole.record.samples, (31 + 3) * 960);
  const Result streamed = drain(engine.submit(request(text, 6, 30)));
  ASSERT_GE(streamed.chunks.size(), 2u);
  EXPECT_EQ(streamed.audio.size(), whole.audio.size());

  // The same seed's tokens from the one-shot pipeline, vocoded with the stream's draws.
  const auto oneshot =
      nano()->synthesize(text, "", short_voice().get(), request(text, 6, 30).options);
  ASSERT_EQ(oneshot.speech_tokens.size(1), 31 + 3);
  pipeline::Draws draws;
  draws.s3gen = pipeline::one_shot_draws(7, short_voice()->gen, oneshot.speech_tokens.size(1));
  const auto reference = nano()->vocode(oneshot.speech_tokens, *short_voice(), draws, 7);
  const std::vector<float> expected(reference.wav.data_ptr<float>(),
                                    reference.wav.data_ptr<float>() + reference.wav.numel());
  EXPECT_LT(max_diff(whole.audio, expected), 1e-4);
  EXPECT_GT(max_diff(streamed.audio, expected), 1e-3) << "the streamed chunks are not one pass";
}

TEST(Engine, BadOptionsAreRefused) {
  for (const int64_t growth : {-1, 17}) {
    auto options = small_engine(1);
    options.chunk_growth = growth;
    EXPECT_THROW(Engine(nano(), options, "cpu"), Error) << "growth " << growth;
  }
  auto options = small_engine(1);
  options.max_chunk_tokens = options.first_chunk_tokens - 1;
  EXPECT_THROW(Engine(nano(), options, "cpu"), Error);
}

TEST(Engine, LongTextIsSplitAndSpokenInOrder) {
  auto options = small_engine(1);
  options.max_text_chars = 40;
  Engine engine(nano(), options, "cpu");
  auto r =
      request("First sentence is here. The second one follows it. And a third one ends.", 4, 8);
  Result result = drain(engine.submit(r));
  EXPECT_EQ(result.record.text_segments, 3);
  EXPECT_EQ(result.record.speech_tokens, 3 * 9);
  EXPECT_EQ(result.record.samples, 3 * (9 + 3) * 960);
}

TEST(Engine, ShutdownEndsWaitingRequests) {
  auto engine = std::make_unique<Engine>(nano(), small_engine(1), "cpu");
  auto running = engine->submit(request("Running at shutdown.", 1, 300));
  engine->shutdown(std::chrono::milliseconds(50));
  EXPECT_EQ(error_at_the_end(running), ErrorCode::kUnavailable);
  try {
    engine->submit(request("After.", 1, 5));
    FAIL() << "a stopped engine must refuse";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
}

}  // namespace
}  // namespace chatterbox::runtime
