// HfTokenizer::from_gpt2_files: the GPT-2 tokenizer from its separate files, as transformers
// assembles it when a checkpoint has no tokenizer.json (Chatterbox Turbo and Nano).

#include <fstream>
#include <set>
#include <sstream>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/text/hf_tokenizer.h"
#include "engine/text/json_ids.h"

namespace chatterbox::text {
namespace {

using nlohmann::json;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kNotFound, "tokenizer file not found: " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

json read_json(const std::string& path, bool required) {
  if (!required && !fs::exists(path)) return json::object();
  try {
    return json::parse(read_text(path));
  } catch (const json::exception& e) {
    fail(ErrorCode::kCorruptData, path + ": not valid JSON (" + e.what() + ")");
  }
}

std::vector<std::pair<std::string, std::string>> read_merges(const std::string& path) {
  std::vector<std::pair<std::string, std::string>> merges;
  std::istringstream lines(read_text(path));
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0) continue;
    const size_t space = line.find(' ');
    if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
      fail(ErrorCode::kCorruptData, path + ": malformed merge line '" + line + "'");
    }
    merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }
  return merges;
}

// A special-token entry is either a string or an AddedToken object with "content".
std::optional<std::string> token_content(const json& entry) {
  if (entry.is_string()) return entry.get<std::string>();
  if (entry.is_object() && entry.contains("content")) return entry.at("content").get<std::string>();
  return std::nullopt;
}

std::vector<std::string> special_token_contents(const json& config, const json& special_map) {
  std::vector<std::string> out;
  for (const json* source : {&special_map, &config}) {
    for (const char* key : {"bos_token", "eos_token", "unk_token", "sep_token", "pad_token",
                            "cls_token", "mask_token"}) {
      if (source->contains(key)) {
        if (auto content = token_content(source->at(key))) out.push_back(*content);
      }
    }
    if (source->contains("additional_special_tokens")) {
      for (const auto& entry : source->at("additional_special_tokens")) {
        if (auto content = token_content(entry)) out.push_back(*content);
      }
    }
  }
  return out;
}

}  // namespace

HfTokenizer HfTokenizer::from_gpt2_files(const std::string& directory) {
  auto in_dir = [&](const char* file) { return fs::join(directory, file); };
  const json vocab_json = read_json(in_dir("vocab.json"), true);
  const json added_json = read_json(in_dir("added_tokens.json"), false);
  const json special_map = read_json(in_dir("special_tokens_map.json"), false);
  const json config = read_json(in_dir("tokenizer_config.json"), false);
  try {
    std::unordered_map<std::string, int64_t> vocab;
    for (const auto& [token, id] : vocab_json.items())
      vocab[token] = json_token_id(id, directory, "a vocab.json id");
    int64_t next_id = 0;
    for (const auto& [token, id] : vocab) next_id = std::max(next_id, id + 1);

    const auto specials = special_token_contents(config, special_map);
    const std::set<std::string> special_set(specials.begin(), specials.end());

    AddedVocabulary added;
    for (const auto& [content, id] : added_json.items()) {
      AddedToken token;
      token.content = content;
      token.id = json_token_id(id, directory, "an added_tokens.json id");
      token.special = special_set.count(content) > 0;
      token.normalized = !token.special;
      added.add(token);
      next_id = std::max(next_id, token.id + 1);
    }
    if (config.contains("added_tokens_decoder")) {
      for (const auto& [id, t] : config.at("added_tokens_decoder").items()) {
        AddedToken token;
        token.id = token_id_from_text(id, directory, "an added_tokens_decoder key");
        token.content = t.at("content").get<std::string>();
        token.single_word = t.value("single_word", false);
        token.lstrip = t.value("lstrip", false);
        token.rstrip = t.value("rstrip", false);
        token.special = t.value("special", false);
        token.normalized = t.value("normalized", !token.special);
        added.add(token);
        next_id = std::max(next_id, token.id + 1);
      }
    }
    for (const auto& content : specials) {
      if (auto existing = added.token_to_id(content)) {
        (void)existing;
        continue;  // already described, flags included
      }
      AddedToken token;
      token.content = content;
      auto in_vocab = vocab.find(content);
      token.id = in_vocab != vocab.end() ? in_vocab->second : next_id++;
      token.special = true;
      token.normalized = false;
      added.add(token);
    }

    const bool add_prefix_space = config.value("add_prefix_space", false);
    HfTokenizer tok(BpeModel(std::move(vocab), read_merges(in_dir("merges.txt")), {}),
                    std::move(added), Normalizer(), PreTokenizer::byte_level(add_prefix_space));
    tok.decoder_ = DecoderKind::kByteLevel;
    if (config.value("add_bos_token", false)) {
      auto bos =
          config.contains("bos_token") ? token_content(config.at("bos_token")) : std::nullopt;
      auto bos_id = bos ? tok.token_to_id(*bos) : std::nullopt;
      if (!bos_id)
        fail(ErrorCode::kCorruptData, directory + ": add_bos_token set without a bos_token");
      tok.prefix_ids_.push_back(*bos_id);
    }
    return tok;
  } catch (const json::exception& e) {
    fail(ErrorCode::kCorruptData,
         directory + ": malformed GPT-2 tokenizer files (" + e.what() + ")");
  }
}

}  // namespace chatterbox::text
