// Writes the generated seeds of two corpora (tests/fuzz/corpus/README.md): small voices of the
// voice library (voice_file: <safetensors> NUL <json>) and small torch.save conds archives
// (torch_archive), through the production writers. Usage: chatterbox_fuzz_seeds CORPUS_DIR.

#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/common/file_system.h"
#include "engine/io/torch_archive.h"
#include "engine/pipeline/conditionals.h"

namespace {

using chatterbox::Variant;
using chatterbox::pipeline::Conditionals;

Conditionals small_voice(bool with_t3) {
  Conditionals c;
  c.gen.prompt_token = torch::arange(2, torch::kLong).reshape({1, 2});
  c.gen.prompt_token_len = torch::full({1}, 2, torch::kLong);
  c.gen.prompt_feat = torch::linspace(-1, 1, 4 * 80).reshape({1, 4, 80});
  c.gen.embedding = torch::linspace(0, 1, 192).reshape({1, 192});
  if (with_t3) {
    c.t3.speaker_emb = torch::linspace(1, 0, 256).reshape({1, 256});
    c.t3.cond_prompt_speech_tokens = torch::arange(3, torch::kLong).reshape({1, 3});
    c.t3.emotion_adv = torch::full({1, 1, 1}, 0.5);
  }
  return c;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::cout << path << " (" << bytes.size() << " bytes)\n";
}

void voice_seed(const std::string& out, const char* name, Variant variant, bool with_t3) {
  Conditionals c = small_voice(with_t3);
  c.variant = variant;
  const std::string tmp = chatterbox::fs::join(out, std::string(name) + ".tmp");
  chatterbox::pipeline::save_conditionals(tmp, c);
  const std::string json = std::string("{\"format\": \"chatterbox-voice\", \"version\": 1, ") +
                           "\"name\": \"v\", \"variant\": \"" + chatterbox::variant_name(variant) +
                           "\", \"source_seconds\": 6.5, \"created\": \"2026-01-01T00:00:00Z\"}\n";
  write(chatterbox::fs::join(out, name), read(tmp) + '\0' + json);
  std::remove(tmp.c_str());
}

c10::impl::GenericDict as_dict(const std::vector<std::pair<std::string, torch::Tensor>>& items) {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  for (const auto& [key, tensor] : items)
    if (tensor.defined()) dict.insert(key, tensor);
  return dict;
}

void conds_seed(const std::string& path, bool with_t3) {
  const Conditionals c = small_voice(with_t3);
  c10::impl::GenericDict conds(c10::StringType::get(), c10::AnyType::get());
  conds.insert("t3", as_dict({{"speaker_emb", c.t3.speaker_emb},
                              {"cond_prompt_speech_tokens", c.t3.cond_prompt_speech_tokens},
                              {"emotion_adv", c.t3.emotion_adv}}));
  conds.insert("gen", as_dict({{"prompt_token", c.gen.prompt_token},
                               {"prompt_token_len", c.gen.prompt_token_len},
                               {"prompt_feat", c.gen.prompt_feat},
                               {"embedding", c.gen.embedding}}));
  chatterbox::io::write_torch_archive(path, conds);
  std::cout << path << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: chatterbox_fuzz_seeds CORPUS_DIR\n";
    return 2;
  }
  const std::string voices = chatterbox::fs::join(argv[1], "voice_file");
  const std::string archives = chatterbox::fs::join(argv[1], "torch_archive");
  chatterbox::fs::create_directories(voices);
  chatterbox::fs::create_directories(archives);
  voice_seed(voices, "turbo_voice", Variant::kTurbo, true);
  voice_seed(voices, "vc_voice", Variant::kVoiceConversion, false);
  conds_seed(chatterbox::fs::join(archives, "small_conds"), true);
  conds_seed(chatterbox::fs::join(archives, "small_conds_vc"), false);
  return 0;
}
