#include "engine/text/text_tokenizer.h"

#include "engine/common/error.h"
#include "engine/common/file_system.h"
#include "engine/text/en_tokenizer.h"
#include "engine/text/mtl_tokenizer.h"
#include "engine/text/turbo_tokenizer.h"

namespace chatterbox::text {

torch::Tensor TextTokenizer::text_to_tokens(const std::string& text,
                                            const std::string& language) const {
  std::vector<int64_t> ids = encode(normalize(text), language);
  if (wraps_with_start_stop()) {
    ids.insert(ids.begin(), kStartTextToken);
    ids.push_back(kStopTextToken);
  }
  const auto n = static_cast<int64_t>(ids.size());
  return torch::tensor(ids, torch::dtype(torch::kInt64)).reshape({1, n});
}

std::unique_ptr<TextTokenizer> load_text_tokenizer(TextVariant variant,
                                                   const std::string& checkpoint_dir) {
  switch (variant) {
    case TextVariant::kOriginal:
      return std::make_unique<EnTokenizer>(
          EnTokenizer::from_file(fs::join(checkpoint_dir, "tokenizer.json")));
    case TextVariant::kMultilingual:
      return std::make_unique<MtlTokenizer>(
          MtlTokenizer::from_files(fs::join(checkpoint_dir, "grapheme_mtl_merged_expanded_v1.json"),
                                   fs::join(checkpoint_dir, "Cangjie5_TC.json")));
    case TextVariant::kTurbo:
      return std::make_unique<TurboTokenizer>(TurboTokenizer::from_directory(checkpoint_dir));
  }
  fail(ErrorCode::kInvalidArgument, "unknown text variant");
}

}  // namespace chatterbox::text
