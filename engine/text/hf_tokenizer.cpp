#include "engine/text/hf_tokenizer.h"

#include <fstream>
#include <set>
#include <sstream>

#include "engine/common/error.h"
#include "engine/text/byte_level.h"
#include "engine/text/json_ids.h"
#include "engine/text/utf8.h"

namespace chatterbox::text {
namespace {

using nlohmann::json;

[[noreturn]] void unsupported(const std::string& origin, const std::string& what) {
  fail(ErrorCode::kUnsupported, origin + ": " + what);
}

bool is_set(const json& j, const char* key) {
  return j.contains(key) && !j.at(key).is_null();
}

std::pair<std::string, std::string> split_merge_line(const std::string& line,
                                                     const std::string& origin) {
  const size_t space = line.find(' ');
  if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
    fail(ErrorCode::kCorruptData, origin + ": malformed merge '" + line + "'");
  }
  return {line.substr(0, space), line.substr(space + 1)};
}

BpeModel bpe_from_json(const json& model, const std::string& origin) {
  const std::string type = model.value("type", "BPE");
  if (type != "BPE") unsupported(origin, "model type '" + type + "' is not supported (only BPE)");
  if (is_set(model, "dropout") && model.at("dropout").get<double>() > 0.0) {
    unsupported(origin, "BPE dropout is not supported (it makes encoding random)");
  }
  if (model.value("byte_fallback", false))
    unsupported(origin, "BPE byte_fallback is not supported");
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    if (is_set(model, key) && !model.at(key).get<std::string>().empty()) {
      unsupported(origin, std::string("BPE ") + key + " is not supported");
    }
  }
  std::unordered_map<std::string, int64_t> vocab;
  for (const auto& [token, id] : model.at("vocab").items())
    vocab[token] = json_token_id(id, origin, "a vocabulary id");
  std::vector<std::pair<std::string, std::string>> merges;
  for (const auto& m : model.at("merges")) {
    if (m.is_string()) {
      merges.push_back(split_merge_line(m.get<std::string>(), origin));
    } else {
      merges.emplace_back(m.at(0).get<std::string>(), m.at(1).get<std::string>());
    }
  }
  BpeModel::Options options;
  if (is_set(model, "unk_token")) options.unk_token = model.at("unk_token").get<std::string>();
  options.fuse_unk = model.value("fuse_unk", false);
  options.ignore_merges = model.value("ignore_merges", false);
  return BpeModel(std::move(vocab), merges, std::move(options));
}

AddedVocabulary added_from_json(const json& tokens, const std::string& origin) {
  AddedVocabulary added;
  if (tokens.is_null()) return added;
  for (const auto& t : tokens) {
    AddedToken token;
    token.id = json_token_id(t.at("id"), origin, "an added token's id");
    token.content = t.at("content").get<std::string>();
    token.single_word = t.value("single_word", false);
    token.lstrip = t.value("lstrip", false);
    token.rstrip = t.value("rstrip", false);
    token.special = t.value("special", false);
    token.normalized = t.value("normalized", !token.special);
    added.add(token);
  }
  return added;
}

std::vector<int64_t> special_ids(const json& processor, const std::string& name,
                                 const std::string& origin) {
  const json& specials = processor.at("special_tokens");
  if (!specials.contains(name)) {
    fail(ErrorCode::kCorruptData,
         origin + ": post-processor special token '" + name + "' undefined");
  }
  std::vector<int64_t> ids;
  for (const auto& id : specials.at(name).at("ids"))
    ids.push_back(json_token_id(id, origin, "a post-processor token id"));
  return ids;
}

}  // namespace

HfTokenizer::HfTokenizer(BpeModel model, AddedVocabulary added, Normalizer normalizer,
                         PreTokenizer pre_tokenizer)
    : model_(std::make_shared<const BpeModel>(std::move(model))),
      added_(std::move(added)),
      normalizer_(std::move(normalizer)),
      pre_tokenizer_(std::move(pre_tokenizer)) {}

HfTokenizer HfTokenizer::from_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::kNotFound, "tokenizer file not found: " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  json config;
  try {
    config = json::parse(buffer.str());
  } catch (const json::exception& e) {
    fail(ErrorCode::kCorruptData, path + ": not valid JSON (" + e.what() + ")");
  }
  return from_json(config, path);
}

HfTokenizer HfTokenizer::from_json(const json& config, const std::string& origin) {
  try {
    if (is_set(config, "padding") &&
        config.at("padding").value("strategy", json("BatchLongest")) != json("BatchLongest")) {
      unsupported(origin, "fixed-length padding is not supported");
    }
    HfTokenizer tok(bpe_from_json(config.at("model"), origin),
                    added_from_json(config.value("added_tokens", json()), origin),
                    Normalizer::from_json(config.value("normalizer", json())),
                    PreTokenizer::from_json(config.value("pre_tokenizer", json())));

    if (is_set(config, "truncation")) {
      const json& t = config.at("truncation");
      tok.truncation_length_ = json_count(t.at("max_length"), origin, "truncation max_length");
      tok.truncate_left_ = t.value("direction", "Right") == "Left";
    }

    std::vector<json> processors;
    const json post = config.value("post_processor", json());
    if (!post.is_null()) {
      if (post.value("type", "") == "Sequence") {
        for (const auto& p : post.at("processors")) processors.push_back(p);
      } else {
        processors.push_back(post);
      }
    }
    for (const auto& p : processors) {
      const std::string type = p.value("type", "");
      std::vector<int64_t> prefix, suffix;
      if (type == "ByteLevel") {
        continue;  // offsets only
      } else if (type == "TemplateProcessing") {
        bool after_sequence = false;
        for (const auto& piece : p.at("single")) {
          if (piece.contains("Sequence")) {
            if (piece.at("Sequence").value("id", "A") != "A") {
              unsupported(origin, "post-processor template uses sequence B for a single text");
            }
            after_sequence = true;
          } else {
            auto ids = special_ids(p, piece.at("SpecialToken").at("id").get<std::string>(), origin);
            auto& target = after_sequence ? suffix : prefix;
            target.insert(target.end(), ids.begin(), ids.end());
          }
        }
      } else if (type == "BertProcessing" || type == "RobertaProcessing") {
        prefix.push_back(json_token_id(p.at("cls").at(1), origin, "the cls token id"));
        suffix.push_back(json_token_id(p.at("sep").at(1), origin, "the sep token id"));
      } else {
        unsupported(origin, "post-processor type '" + type + "' is not supported");
      }
      tok.prefix_ids_.insert(tok.prefix_ids_.begin(), prefix.begin(), prefix.end());
      tok.suffix_ids_.insert(tok.suffix_ids_.end(), suffix.begin(), suffix.end());
    }

    const json decoder = config.value("decoder", json());
    if (!decoder.is_null()) {
      tok.decoder_name_ = decoder.value("type", "");
      tok.decoder_ =
          tok.decoder_name_ == "ByteLevel" ? DecoderKind::kByteLevel : DecoderKind::kUnsupported;
    }
    return tok;
  } catch (const json::exception& e) {
    fail(ErrorCode::kCorruptData, origin + ": malformed tokenizer description (" + e.what() + ")");
  }
}

void HfTokenizer::encode_segment(const std::string& segment, std::vector<int64_t>& ids) const {
  for (const auto& word : pre_tokenizer_.split(segment)) {
    for (int64_t id : model_->tokenize(word)) ids.push_back(id);
  }
}

std::vector<int64_t> HfTokenizer::encode(const std::string& text) const {
  require_valid_utf8(text, "text");
  std::vector<int64_t> ids;
  for (const auto& raw : added_.split(text, /*normalized=*/false)) {
    if (raw.token_id) {
      ids.push_back(*raw.token_id);
      continue;
    }
    const std::string normalized = normalizer_.empty() ? raw.text : normalizer_.apply(raw.text);
    for (const auto& piece : added_.split(normalized, /*normalized=*/true)) {
      if (piece.token_id) {
        ids.push_back(*piece.token_id);
      } else {
        encode_segment(piece.text, ids);
      }
    }
  }
  if (truncation_length_) {
    // Room is left for the post-processor's tokens, as tokenizers does.
    const size_t extra = prefix_ids_.size() + suffix_ids_.size();
    const size_t keep = *truncation_length_ > extra ? *truncation_length_ - extra : 0;
    if (ids.size() > keep) {
      ids.erase(truncate_left_ ? ids.begin() : ids.begin() + static_cast<std::ptrdiff_t>(keep),
                truncate_left_ ? ids.end() - static_cast<std::ptrdiff_t>(keep) : ids.end());
    }
  }
  ids.insert(ids.begin(), prefix_ids_.begin(), prefix_ids_.end());
  ids.insert(ids.end(), suffix_ids_.begin(), suffix_ids_.end());
  return ids;
}

std::string HfTokenizer::decode(const std::vector<int64_t>& ids, bool skip_special_tokens) const {
  if (decoder_ == DecoderKind::kUnsupported) {
    fail(ErrorCode::kUnsupported,
         "tokenizer decoder type '" + decoder_name_ + "' is not supported");
  }
  std::vector<std::string> tokens;
  for (int64_t id : ids) {
    if (const AddedToken* added = added_.find_id(id)) {
      if (!(skip_special_tokens && added->special)) tokens.push_back(added->content);
    } else if (const std::string* token = model_->id_to_token(id)) {
      tokens.push_back(*token);
    } else {
      fail(ErrorCode::kInvalidArgument,
           "token id " + std::to_string(id) + " is not in the vocabulary");
    }
  }
  std::string out;
  if (decoder_ == DecoderKind::kNone) {
    for (size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
    return out;
  }
  // ByteLevel: characters back to bytes; a token with a character outside the byte map
  // (an added token such as "[clear throat]") contributes its own UTF-8 bytes.
  std::string bytes;
  for (const auto& token : tokens) {
    std::string mapped;
    bool all_mapped = true;
    for (char32_t c : utf8_decode(token)) {
      auto b = char_to_byte(c);
      if (!b) {
        all_mapped = false;
        break;
      }
      mapped.push_back(static_cast<char>(*b));
    }
    bytes += all_mapped ? mapped : token;
  }
  return utf8_lossy(bytes);
}

std::optional<int64_t> HfTokenizer::token_to_id(const std::string& token) const {
  if (auto id = added_.token_to_id(token)) return id;
  return model_->token_to_id(token);
}

std::optional<std::string> HfTokenizer::id_to_token(int64_t id) const {
  if (const AddedToken* added = added_.find_id(id)) return added->content;
  if (const std::string* token = model_->id_to_token(id)) return *token;
  return std::nullopt;
}

size_t HfTokenizer::size() const {
  size_t extra = 0;
  for (const auto& t : added_.tokens()) extra += model_->id_to_token(t.id) == nullptr ? 1 : 0;
  return model_->vocab_size() + extra;
}

}  // namespace chatterbox::text
