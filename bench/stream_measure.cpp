#include "bench/stream_measure.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "bench/bench_context.h"

namespace chatterbox::bench {
namespace {

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

}  // namespace

StreamFigures measure_streams(const Submit& submit, const std::string& text,
                              const std::shared_ptr<const pipeline::Conditionals>& voice,
                              int64_t concurrency, int64_t tokens, bool streaming) {
  std::vector<std::shared_ptr<runtime::SynthesisHandle>> handles;
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < concurrency; ++i) {
    runtime::SynthesisRequest r;
    r.text = text;
    r.voice = voice;
    r.options.seed = static_cast<uint64_t>(i + 1);
    r.options.max_new_tokens = tokens;
    r.streaming = streaming;
    handles.push_back(submit(std::move(r)));
  }
  std::vector<runtime::FinalRecord> records(handles.size());
  std::vector<std::thread> readers;
  for (size_t i = 0; i < handles.size(); ++i)
    readers.emplace_back([&, i] {
      while (handles[i]->next()) {
      }
      records[i] = handles[i]->final_record();
    });
  for (auto& t : readers) t.join();
  synchronize();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  StreamFigures f;
  double audio = 0, speech_tokens = 0;
  std::vector<double> ttfa;
  for (const auto& rec : records) {
    ttfa.push_back(rec.time_to_first_audio);
    f.ttfa_mean += rec.time_to_first_audio / static_cast<double>(records.size());
    f.rtf_mean += rec.total_seconds / rec.audio_seconds / static_cast<double>(records.size());
    audio += rec.audio_seconds;
    speech_tokens += static_cast<double>(rec.speech_tokens);
  }
  f.ttfa_p50 = percentile(ttfa, 0.5);
  f.ttfa_p99 = percentile(ttfa, 0.99);
  f.ttfa_max = *std::max_element(ttfa.begin(), ttfa.end());
  f.t3_tokens_per_s = speech_tokens / wall;
  f.aggregate_x = audio / wall;
  return f;
}

}  // namespace chatterbox::bench
