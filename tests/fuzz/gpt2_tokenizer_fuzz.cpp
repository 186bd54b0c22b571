// libFuzzer target: the GPT-2 tokenizer files of the turbo and nano checkpoints, then text
// through their front end. Input, NUL-separated: vocab.json, merges.txt, added_tokens.json,
// special_tokens_map.json, tokenizer_config.json, the text (an empty optional file is left
// out). Refusals are chatterbox::Error; nothing may crash or throw anything else.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/common/error.h"
#include "engine/text/text_tokenizer.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kFiles[] = {"vocab.json", "merges.txt", "added_tokens.json",
                                       "special_tokens_map.json", "tokenizer_config.json"};
  const auto sections = chatterbox::fuzz::split_sections(data, size, 6);
  const std::string& dir = chatterbox::fuzz::fresh_scratch_dir();
  for (size_t i = 0; i < 5; ++i)
    if (i < 2 || !sections[i].empty()) chatterbox::fuzz::write_file(dir, kFiles[i], sections[i]);
  try {
    const auto tokenizer =
        chatterbox::text::load_text_tokenizer(chatterbox::text::TextVariant::kTurbo, dir);
    const torch::Tensor ids = tokenizer->text_to_tokens(sections[5], "");
    const int64_t* p = ids.data_ptr<int64_t>();
    tokenizer->decode(std::vector<int64_t>(p, p + ids.numel()));
  } catch (const chatterbox::Error&) {
  }
  return 0;
}
