#include "engine/text/normalizer.h"

#include "engine/common/error.h"
#include "engine/text/unicode.h"

namespace chatterbox::text {

Normalizer Normalizer::from_json(const nlohmann::json& config) {
  Normalizer n;
  n.add(config);
  return n;
}

void Normalizer::add(const nlohmann::json& config) {
  if (config.is_null()) return;
  const std::string type = config.value("type", "");
  if (type == "Sequence") {
    for (const auto& step : config.at("normalizers")) add(step);
  } else if (type == "NFC") {
    steps_.push_back(Step::kNFC);
  } else if (type == "NFD") {
    steps_.push_back(Step::kNFD);
  } else if (type == "NFKC") {
    steps_.push_back(Step::kNFKC);
  } else if (type == "NFKD") {
    steps_.push_back(Step::kNFKD);
  } else if (type == "Lowercase") {
    steps_.push_back(Step::kLowercase);
  } else {
    fail(ErrorCode::kUnsupported,
         "tokenizer.json: normalizer type '" + type +
             "' is not supported (supported: NFC, NFD, NFKC, NFKD, Lowercase, Sequence)");
  }
}

std::string Normalizer::apply(const std::string& text) const {
  std::string out = text;
  for (Step step : steps_) {
    switch (step) {
      case Step::kNFC:
        out = normalize(out, NormalForm::kNFC);
        break;
      case Step::kNFD:
        out = normalize(out, NormalForm::kNFD);
        break;
      case Step::kNFKC:
        out = normalize(out, NormalForm::kNFKC);
        break;
      case Step::kNFKD:
        out = normalize(out, NormalForm::kNFKD);
        break;
      case Step::kLowercase:
        out = per_char_lower(out);
        break;
    }
  }
  return out;
}

}  // namespace chatterbox::text
