#pragma once
// Full-size checkpoint directories of pattern weights, in the published layout of each variant,
// for machines where no real checkpoint can be had (CI, a first run). They load through the same
// loader as real checkpoints; their audio is noise, and the marker file says so.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/common/variant.h"

namespace chatterbox::io {

struct WrittenFile {
  std::string path;
  uint64_t bytes;
};

// Writes every required and optional file of `variant` into `dir` (created if needed), plus the
// pattern marker. Existing files are replaced atomically. Returns what was written.
// voice_seconds: the length of the reference behind the built-in voice (conds.pt), 0.5 to 10;
// the published voices use 10 s. S3Gen's cost grows with it (its prompt is decoded with every
// request), so tests that only need a voice use a short one.
std::vector<WrittenFile> write_pattern_checkpoint(const std::string& dir, Variant variant,
                                                  double voice_seconds = 10);

// The GPT-2 vocab.json of the pattern turbo/nano tokenizer: the byte-level alphabet, one entry per
// merge, unused fillers up to 50255 and <|endoftext|> = 50256.
std::string pattern_gpt2_vocab_json();

}  // namespace chatterbox::io
