#pragma once
// The S3Gen front-end models with full-size pattern weights, for the parity tests. Only the
// keys under the requested prefix are generated: the values are a pure function of each key,
// so this equals io::pattern_state_dict(layout).sub(prefix) at a fraction of the memory.

#include <cstdio>
#include <string>

#include "engine/io/param_layout.h"
#include "engine/models/s3gen/campplus.h"
#include "engine/models/s3gen/s3tokenizer.h"
#include "tests/support/golden.h"

namespace chatterbox::testing {

inline io::StateDict pattern_sub_dict(const std::string& layout, const std::string& prefix) {
  io::ParamLayout part;
  for (const auto& spec : io::param_layout(layout))
    if (spec.key.rfind(prefix, 0) == 0) part.push_back(spec);
  return io::pattern_state_dict(part, "pattern:" + layout).sub(prefix);
}

inline models::s3gen::S3Tokenizer pattern_s3_tokenizer(const std::string& layout = "s3gen_base") {
  models::s3gen::S3Tokenizer tokenizer;
  tokenizer->load(pattern_sub_dict(layout, "tokenizer."));
  tokenizer->to(test_device());
  return tokenizer;
}

inline models::s3gen::CampPlus pattern_campplus(const std::string& layout = "s3gen_base") {
  models::s3gen::CampPlus encoder;
  encoder->load(pattern_sub_dict(layout, "speaker_encoder."));
  encoder->to(test_device());
  return encoder;
}

// A difference for the test report, in scientific notation.
inline std::string format_diff(double diff) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3e", diff);
  return text;
}

}  // namespace chatterbox::testing
