#pragma once
// The published checkpoint layouts: which files each variant needs, which are optional, and
// where they are in a checkpoint directory.

#include <string>
#include <vector>

#include "engine/common/variant.h"

namespace chatterbox::io {

// How the text tokenizer is shipped.
enum class TokenizerFormat {
  kNone,           // voice conversion has no text front end
  kTokenizerJson,  // a Hugging Face tokenizer.json (original, multilingual)
  kGpt2Files,      // vocab.json + merges.txt + added_tokens.json (turbo, nano)
};

struct CheckpointFiles {
  Variant variant;
  std::string dir;
  std::string voice_encoder;  // ve.safetensors or ve.pt; empty for vc
  std::string t3;             // empty for vc
  std::string s3gen;
  TokenizerFormat tokenizer_format = TokenizerFormat::kNone;
  std::string tokenizer;  // tokenizer.json, or the directory holding the GPT-2 files
  std::string conds;      // built-in voice (conds.pt); empty when absent
  std::string cangjie;    // multilingual Chinese resource; empty when absent
  bool pattern_model =
      false;                 // written by make-pattern-model: weights are patterns, audio is noise
  std::string t3_layout;     // param_layout name of the T3 file ("" for vc)
  std::string s3gen_layout;  // param_layout name of the S3Gen file
};

struct CheckpointOptions {
  // Multilingual T3: "v2" (default, as upstream), "v3", or a file name ending in .safetensors.
  std::string multilingual_t3 = "v2";
};

// The name of the marker file that make-pattern-model writes into a pattern checkpoint.
constexpr const char* kPatternMarkerFile = "PATTERN_MODEL.json";

// Finds the variant's files in `dir`. Throws kNotFound naming the directory and every missing
// required file (and what it is for); kInvalidArgument for a bad multilingual_t3 choice.
CheckpointFiles locate_checkpoint(const std::string& dir, Variant variant,
                                  const CheckpointOptions& options = {});

// The file names a variant's directory holds in the published layout, required ones first.
std::vector<std::string> required_files(Variant variant, const CheckpointOptions& options = {});
std::vector<std::string> optional_files(Variant variant);

}  // namespace chatterbox::io
