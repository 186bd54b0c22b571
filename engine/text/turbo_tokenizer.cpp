#include "engine/text/turbo_tokenizer.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/text/punctuation.h"

namespace chatterbox::text {
namespace {

// transformers treats model_max_length >= 1e30 (VERY_LARGE_INTEGER) as "no limit".
std::optional<size_t> read_model_max_length(const std::string& config_path) {
  if (!fs::exists(config_path)) return std::nullopt;
  std::ifstream in(config_path, std::ios::binary);
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    fail(ErrorCode::kCorruptData, config_path + ": not valid JSON (" + e.what() + ")");
  }
  if (!config.contains("model_max_length") || !config.at("model_max_length").is_number()) {
    return std::nullopt;
  }
  const double limit = config.at("model_max_length").get<double>();
  if (limit <= 0 || limit >= 1e18) return std::nullopt;
  return static_cast<size_t>(limit);
}

}  // namespace

TurboTokenizer::TurboTokenizer(HfTokenizer tokenizer, std::optional<size_t> max_length)
    : tokenizer_(std::move(tokenizer)), max_length_(max_length) {}

TurboTokenizer TurboTokenizer::from_directory(const std::string& directory,
                                              bool prefer_tokenizer_json) {
  const std::string json_path = fs::join(directory, "tokenizer.json");
  const bool use_json = prefer_tokenizer_json && fs::exists(json_path);
  if (!use_json && !fs::exists(fs::join(directory, "vocab.json"))) {
    fail(ErrorCode::kNotFound, "no GPT-2 tokenizer in " + directory +
                                   " (need tokenizer.json, or vocab.json and merges.txt)");
  }
  HfTokenizer tokenizer =
      use_json ? HfTokenizer::from_json_file(json_path) : HfTokenizer::from_gpt2_files(directory);
  return TurboTokenizer(std::move(tokenizer),
                        read_model_max_length(fs::join(directory, "tokenizer_config.json")));
}

std::string TurboTokenizer::normalize(const std::string& text) const {
  return punc_norm(text, PuncVariant::kTurbo);
}

std::vector<int64_t> TurboTokenizer::encode(const std::string& normalized_text,
                                            const std::string& /*language*/) const {
  std::vector<int64_t> ids = tokenizer_.encode(normalized_text);
  if (max_length_ && ids.size() > *max_length_) ids.resize(*max_length_);
  return ids;
}

std::string TurboTokenizer::decode(const std::vector<int64_t>& ids) const {
  return tokenizer_.decode(ids, /*skip_special_tokens=*/false);
}

}  // namespace chatterbox::text
