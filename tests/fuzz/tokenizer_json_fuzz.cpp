// libFuzzer target: a tokenizer.json as the original (English) and the multilingual checkpoints
// ship it, then text through each front end. Input: the JSON, NUL, the text, NUL, and
// optionally a Cangjie5_TC.json. Loading, normalising, encoding and decoding may refuse with
// chatterbox::Error; nothing may crash or throw anything else.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/text/text_tokenizer.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using chatterbox::text::TextVariant;

void speak(TextVariant variant, const std::string& dir, const std::string& text) {
  const auto tokenizer = chatterbox::text::load_text_tokenizer(variant, dir);
  for (const char* language : {"", "en", "zh", "ko", "fr"}) {
    try {
      const torch::Tensor ids = tokenizer->text_to_tokens(text, language);
      const int64_t* p = ids.data_ptr<int64_t>();
      tokenizer->decode(std::vector<int64_t>(p, p + ids.numel()));
    } catch (const chatterbox::Error&) {
    }
    if (variant == TextVariant::kOriginal) break;  // the language is ignored
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto sections = chatterbox::fuzz::split_sections(data, size, 3);
  const std::string& dir = chatterbox::fuzz::fresh_scratch_dir();
  chatterbox::fuzz::write_file(dir, "tokenizer.json", sections[0]);
  chatterbox::fuzz::write_file(dir, "grapheme_mtl_merged_expanded_v1.json", sections[0]);
  if (!sections[2].empty()) chatterbox::fuzz::write_file(dir, "Cangjie5_TC.json", sections[2]);
  for (TextVariant variant : {TextVariant::kOriginal, TextVariant::kMultilingual}) {
    try {
      speak(variant, dir, sections[1]);
    } catch (const chatterbox::Error&) {
    }
  }
  return 0;
}
