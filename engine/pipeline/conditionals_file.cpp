// Conditionals: what a complete voice holds (validate) and its two file forms, upstream's
// torch.save'd conds.pt and our own safetensors. Kept apart from the computation of voices so
// that reading a voice file needs no model code (the voice-file fuzzer links only this).

#include <cstdio>
#include <map>

#include "engine/common/error.h"
#include "engine/io/safetensors.h"
#include "engine/io/torch_archive.h"
#include "engine/pipeline/conditionals.h"

namespace chatterbox::pipeline {
namespace {

torch::Tensor as_int64(const torch::Tensor& t) {
  return t.defined() ? t.to(torch::kCPU).to(torch::kLong) : t;
}

torch::Tensor as_float(const torch::Tensor& t) {
  return t.defined() ? t.to(torch::kCPU).to(torch::kFloat) : t;
}

void require(bool ok, const std::string& what) {
  if (!ok) fail(ErrorCode::kCorruptData, "conditionals: " + what);
}

Conditionals from_named(const std::map<std::string, torch::Tensor>& named,
                        const std::string& origin) {
  auto get = [&](const std::string& key) {
    auto it = named.find(key);
    if (it == named.end())
      fail(ErrorCode::kCorruptData, origin + ": conditionals lack '" + key + "'");
    return it->second;
  };
  auto get_optional = [&](const std::string& key) {
    auto it = named.find(key);
    return it == named.end() ? torch::Tensor() : it->second;
  };
  Conditionals conds;
  conds.t3.speaker_emb = as_float(get_optional("t3.speaker_emb"));  // absent: a vc-only voice
  conds.t3.cond_prompt_speech_tokens = as_int64(get_optional("t3.cond_prompt_speech_tokens"));
  conds.t3.emotion_adv = as_float(get_optional("t3.emotion_adv"));
  conds.gen.prompt_token = as_int64(get("gen.prompt_token"));
  conds.gen.prompt_feat = as_float(get("gen.prompt_feat"));
  conds.gen.embedding = as_float(get("gen.embedding"));
  torch::Tensor len = get_optional("gen.prompt_token_len");
  conds.gen.prompt_token_len = len.defined()
                                   ? as_int64(len).reshape({-1})
                                   : torch::full({conds.gen.prompt_token.size(0)},
                                                 conds.gen.prompt_token.size(-1), torch::kLong);
  try {
    conds.validate();
  } catch (const Error& e) {
    fail(ErrorCode::kCorruptData, origin + ": " + e.what());
  }
  return conds;
}

bool starts_with_zip_magic(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) fail(ErrorCode::kNotFound, "cannot open conditionals file " + path);
  unsigned char magic[2] = {0, 0};
  const size_t n = std::fread(magic, 1, 2, file);
  std::fclose(file);
  return n == 2 && magic[0] == 'P' && magic[1] == 'K';
}

}  // namespace

void Conditionals::validate() const {
  require(!t3.speaker_emb.defined() || (t3.speaker_emb.dim() == 2 && t3.speaker_emb.size(1) == 256),
          "t3.speaker_emb must be (1, 256)");
  require(!t3.cond_prompt_speech_tokens.defined() || t3.cond_prompt_speech_tokens.dim() == 2,
          "t3.cond_prompt_speech_tokens must be (1, P)");
  require(gen.prompt_token.defined() && gen.prompt_token.dim() == 2,
          "gen.prompt_token must be (1, T)");
  require(gen.prompt_feat.defined() && gen.prompt_feat.dim() == 3 && gen.prompt_feat.size(2) == 80,
          "gen.prompt_feat must be (1, 2T, 80)");
  require(gen.embedding.defined() && gen.embedding.dim() == 2 && gen.embedding.size(1) == 192,
          "gen.embedding must be (1, 192)");
  require(
      gen.prompt_token_len.defined() && gen.prompt_token_len.numel() == gen.prompt_token.size(0),
      "gen.prompt_token_len must hold one length per row");
}

Conditionals load_conds_pt(const std::string& path) {
  const c10::IValue archive = io::read_torch_archive(path);
  std::map<std::string, torch::Tensor> named;
  for (auto& [key, tensor] : io::flatten_tensors(archive)) named[key] = tensor;
  return from_named(named, path);
}

void save_conditionals(const std::string& path, const Conditionals& conds) {
  conds.validate();
  io::NamedTensors tensors = {
      {"gen.prompt_token", conds.gen.prompt_token},
      {"gen.prompt_token_len", conds.gen.prompt_token_len},
      {"gen.prompt_feat", conds.gen.prompt_feat},
      {"gen.embedding", conds.gen.embedding},
  };
  if (conds.t3.speaker_emb.defined()) tensors.push_back({"t3.speaker_emb", conds.t3.speaker_emb});
  if (conds.t3.cond_prompt_speech_tokens.defined())
    tensors.push_back({"t3.cond_prompt_speech_tokens", conds.t3.cond_prompt_speech_tokens});
  if (conds.t3.emotion_adv.defined()) tensors.push_back({"t3.emotion_adv", conds.t3.emotion_adv});
  std::map<std::string, std::string> metadata = {{"format", "chatterbox-conditionals"},
                                                 {"version", "1"}};
  if (conds.variant) metadata["variant"] = variant_name(*conds.variant);
  io::save_safetensors(path, tensors, metadata);
}

Conditionals load_conditionals(const std::string& path) {
  const auto file = io::SafetensorsFile::open(path);
  std::map<std::string, torch::Tensor> named;
  for (const auto& key : file.keys()) named[key] = file.tensor(key).clone();
  Conditionals conds = from_named(named, path);
  const auto& metadata = file.metadata();
  const auto variant = metadata.find("variant");
  if (variant != metadata.end()) {
    try {
      conds.variant = parse_variant(variant->second);
    } catch (const Error& e) {
      fail(ErrorCode::kCorruptData, path + ": the voice names an unknown variant: " + e.what());
    }
  }
  return conds;
}

Conditionals load_conditionals_any(const std::string& path) {
  return starts_with_zip_magic(path) ? load_conds_pt(path) : load_conditionals(path);
}

}  // namespace chatterbox::pipeline
