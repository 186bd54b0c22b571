#include "engine/io/checkpoint_dir.h"
#include "engine/io/param_layout.h"

#include "engine/common/error.h"
#include "engine/common/file_system.h"

namespace chatterbox::io {
namespace {

std::string multilingual_t3_file(const std::string& choice) {
  if (choice.empty() || choice == "v2" || choice == "t3_mtl23ls_v2")
    return "t3_mtl23ls_v2.safetensors";
  if (choice == "v3" || choice == "t3_mtl23ls_v3") return "t3_mtl23ls_v3.safetensors";
  if (choice.size() > 12 && choice.compare(choice.size() - 12, 12, ".safetensors") == 0)
    return choice;
  fail(ErrorCode::kInvalidArgument,
       "unknown multilingual T3 '" + choice + "' (expected v2, v3 or a .safetensors file name)");
}

std::string purpose(const std::string& file) {
  if (file.rfind("ve.", 0) == 0) return "voice encoder weights";
  if (file.rfind("t3_", 0) == 0) return "T3 weights";
  if (file.rfind("s3gen", 0) == 0) return "S3Gen weights";
  return "text tokenizer";
}

}  // namespace

std::vector<std::string> required_files(Variant variant, const CheckpointOptions& options) {
  switch (variant) {
    case Variant::kOriginal:
      return {"ve.safetensors", "t3_cfg.safetensors", "s3gen.safetensors", "tokenizer.json"};
    case Variant::kMultilingual:
      return {"ve.pt", multilingual_t3_file(options.multilingual_t3), "s3gen.pt",
              "grapheme_mtl_merged_expanded_v1.json"};
    case Variant::kTurbo:
      return {
          "ve.safetensors", "t3_turbo_v1.safetensors", "s3gen_meanflow.safetensors", "vocab.json",
          "merges.txt",     "added_tokens.json"};
    case Variant::kNano:
      return {
          "ve.safetensors", "t3_nano_v1.safetensors", "s3gen_meanflow.safetensors", "vocab.json",
          "merges.txt",     "added_tokens.json"};
    case Variant::kVoiceConversion:
      return {"s3gen.safetensors"};
  }
  return {};
}

std::vector<std::string> optional_files(Variant variant) {
  switch (variant) {
    case Variant::kMultilingual:
      return {"conds.pt", "Cangjie5_TC.json"};
    case Variant::kTurbo:
    case Variant::kNano:
      return {"conds.pt", "special_tokens_map.json", "tokenizer_config.json"};
    default:
      return {"conds.pt"};
  }
}

CheckpointFiles locate_checkpoint(const std::string& dir, Variant variant,
                                  const CheckpointOptions& options) {
  if (!fs::is_directory(dir))
    fail(ErrorCode::kNotFound, "checkpoint directory " + dir + " does not exist");
  const auto required = required_files(variant, options);
  std::string missing;
  for (const auto& file : required)
    if (!fs::is_regular_file(fs::join(dir, file)))
      missing += (missing.empty() ? "" : ", ") + file + " (" + purpose(file) + ")";
  if (!missing.empty())
    fail(ErrorCode::kNotFound, std::string("checkpoint directory ") + dir + " lacks, for the " +
                                   variant_name(variant) + " variant: " + missing);

  auto path = [&](const std::string& file) { return fs::join(dir, file); };
  auto optional = [&](const std::string& file) {
    return fs::is_regular_file(fs::join(dir, file)) ? path(file) : std::string();
  };
  CheckpointFiles files;
  files.variant = variant;
  files.dir = dir;
  files.conds = optional("conds.pt");
  files.pattern_model = fs::is_regular_file(fs::join(dir, kPatternMarkerFile));
  switch (variant) {
    case Variant::kVoiceConversion:
      files.s3gen = path(required[0]);
      files.s3gen_layout = s3gen_layout_name(variant);
      return files;
    case Variant::kOriginal:
    case Variant::kMultilingual:
      files.tokenizer_format = TokenizerFormat::kTokenizerJson;
      files.tokenizer = path(required[3]);
      break;
    case Variant::kTurbo:
    case Variant::kNano:
      files.tokenizer_format = TokenizerFormat::kGpt2Files;
      files.tokenizer = dir;
      break;
  }
  files.voice_encoder = path(required[0]);
  files.t3 = path(required[1]);
  files.s3gen = path(required[2]);
  files.cangjie = variant == Variant::kMultilingual ? optional("Cangjie5_TC.json") : "";
  files.t3_layout = t3_layout_name(variant);
  files.s3gen_layout = s3gen_layout_name(variant);
  return files;
}

}  // namespace chatterbox::io
