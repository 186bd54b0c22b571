#include "engine/io/pattern_checkpoint.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/io/atomic_file.h"
#include "engine/io/checkpoint_dir.h"
#include "engine/io/embedded_assets.h"
#include "engine/io/param_layout.h"
#include "engine/io/pattern_weights.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_archive.h"

namespace chatterbox::io {
namespace {

constexpr int64_t kSpeechVocab = 6561;  // valid speech token ids are 0..6560

std::string utf8(uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// GPT-2's byte-to-character map: printable Latin-1 bytes stand for themselves, the other 68 bytes
// for U+0100.. in byte order. Sorted by code point, this is the alphabet of the pattern vocab.
std::vector<uint32_t> byte_level_alphabet() {
  std::vector<uint32_t> cps;
  uint32_t next = 256;
  for (uint32_t b = 0; b < 256; ++b) {
    bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    cps.push_back(printable ? b : next++);
  }
  std::sort(cps.begin(), cps.end());
  return cps;
}

std::vector<TensorSpec> specs_of(const ParamLayout& layout) {
  std::vector<TensorSpec> specs;
  for (const auto& p : layout) specs.push_back({p.key, p.shape, p.dtype});
  return specs;
}

void write_weights_safetensors(const std::string& path, const std::string& layout_name) {
  const ParamLayout& layout = param_layout(layout_name);
  save_safetensors_streamed(
      path, specs_of(layout),
      [&](size_t i) { return pattern_tensor(layout[i].key, layout[i].shape, layout[i].dtype); },
      {{"format", "pt"}, {"chatterboxd", "pattern weights of " + layout_name}});
}

void write_weights_archive(const std::string& path, const std::string& layout_name) {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  for (const auto& p : param_layout(layout_name))
    dict.insert(p.key, pattern_tensor(p.key, p.shape, p.dtype));
  write_torch_archive(path, dict);
}

torch::Tensor pattern_tokens(const std::string& name, int64_t count) {
  auto out = torch::empty({1, count}, torch::kInt64);
  const uint64_t h = fnv1a64(name);
  for (int64_t k = 0; k < count; ++k)
    out[0][k] = static_cast<int64_t>(pattern_uniform(h, static_cast<uint64_t>(k)) * kSpeechVocab);
  return out;
}

// A built-in voice in the published conds.pt form: T3 and S3Gen conditionals of a reference of
// `seconds` (the published voices: 10 s).
void write_pattern_conds(const std::string& path, Variant variant, double seconds) {
  const double share = seconds / 10.0;
  const int64_t t3_prompt_len = static_cast<int64_t>(
      share * ((variant == Variant::kTurbo || variant == Variant::kNano) ? 375 : 150));
  const int64_t gen_tokens = static_cast<int64_t>(share * 250);
  auto any_dict = [] {
    return c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get());
  };
  auto t3 = any_dict();
  t3.insert("speaker_emb", pattern_tensor("conds.t3.speaker_emb", {1, 256}));
  t3.insert("clap_emb", c10::IValue());
  t3.insert("cond_prompt_speech_tokens",
            pattern_tokens("conds.t3.cond_prompt_speech_tokens", t3_prompt_len));
  t3.insert("cond_prompt_speech_emb", c10::IValue());
  t3.insert("emotion_adv", torch::full({1, 1, 1}, 0.5f));
  auto gen = any_dict();
  gen.insert("prompt_token", pattern_tokens("conds.gen.prompt_token", gen_tokens));
  gen.insert("prompt_token_len", torch::tensor({gen_tokens}));
  gen.insert("prompt_feat", pattern_tensor("conds.gen.prompt_feat", {1, 2 * gen_tokens, 80}));
  gen.insert("prompt_feat_len", c10::IValue());
  gen.insert("embedding", pattern_tensor("conds.gen.embedding", {1, 192}));
  auto root = any_dict();
  root.insert("t3", t3);
  root.insert("gen", gen);
  write_torch_archive(path, root);
}

void write_tokenizer(const std::string& dir, Variant variant) {
  auto put = [&](const std::string& file, const std::string& content) {
    write_file_atomically(fs::join(dir, file), content);
  };
  switch (variant) {
    case Variant::kOriginal:
      put("tokenizer.json", embedded_asset("pattern_en_tokenizer.json"));
      break;
    case Variant::kMultilingual:
      put("grapheme_mtl_merged_expanded_v1.json", embedded_asset("pattern_mtl_tokenizer.json"));
      break;
    case Variant::kTurbo:
    case Variant::kNano:
      put("vocab.json", pattern_gpt2_vocab_json());
      for (const char* f :
           {"merges.txt", "added_tokens.json", "special_tokens_map.json", "tokenizer_config.json"})
        put(f, embedded_asset(std::string("pattern_gpt2_") + f));
      break;
    case Variant::kVoiceConversion:
      break;
  }
}

void write_weights(const std::string& path, const std::string& layout_name) {
  bool archive = path.size() > 3 && path.compare(path.size() - 3, 3, ".pt") == 0;
  if (archive)
    write_weights_archive(path, layout_name);
  else
    write_weights_safetensors(path, layout_name);
}

}  // namespace

std::string pattern_gpt2_vocab_json() {
  nlohmann::ordered_json vocab = nlohmann::ordered_json::object();
  for (uint32_t cp : byte_level_alphabet()) vocab[utf8(cp)] = vocab.size();
  std::istringstream merges(embedded_asset("pattern_gpt2_merges.txt"));
  std::string line;
  while (std::getline(merges, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.find(' ');
    std::string merged = line.substr(0, space) + line.substr(space + 1);
    if (!vocab.contains(merged)) vocab[merged] = vocab.size();
  }
  for (size_t i = vocab.size(); i < 50256; ++i)
    vocab[utf8(0x120) + "unused" + std::to_string(i)] = i;
  vocab["<|endoftext|>"] = 50256;
  return vocab.dump();
}

std::vector<WrittenFile> write_pattern_checkpoint(const std::string& dir, Variant variant,
                                                  double voice_seconds) {
  if (!(voice_seconds >= 0.5 && voice_seconds <= 10))
    fail(ErrorCode::kInvalidArgument, "a pattern model's built-in voice lasts 0.5 to 10 s");
  fs::create_directories(dir);
  const auto required = required_files(variant);
  auto path = [&](const std::string& file) { return fs::join(dir, file); };
  if (variant == Variant::kVoiceConversion) {
    write_weights(path(required[0]), s3gen_layout_name(variant));
  } else {
    write_weights(path(required[0]), "ve");
    write_weights(path(required[1]), t3_layout_name(variant));
    write_weights(path(required[2]), s3gen_layout_name(variant));
    write_tokenizer(dir, variant);
  }
  write_pattern_conds(path("conds.pt"), variant, voice_seconds);
  nlohmann::json marker = {
      {"variant", variant_name(variant)},
      {"weights", "pattern (goldens/PATTERN.md): each tensor is a function of its key and shape"},
      {"warning", "not a trained model: the audio it makes is noise"},
  };
  write_file_atomically(path(kPatternMarkerFile), marker.dump(2) + "\n");

  std::vector<WrittenFile> written;
  for (const auto& name : fs::list_directory(dir))
    if (fs::is_regular_file(fs::join(dir, name)))
      written.push_back({fs::join(dir, name), fs::file_size(fs::join(dir, name))});
  return written;
}

}  // namespace chatterbox::io
