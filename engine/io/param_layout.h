#pragma once
// The published checkpoint layouts: every key a real checkpoint file carries, with its shape
// and dtype. Loaders check files against them; pattern models are made from them.

#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/common/variant.h"
#include "engine/io/state_dict.h"

namespace chatterbox::io {

struct ParamSpec {
  std::string key;
  std::vector<int64_t> shape;
  torch::ScalarType dtype;
};
using ParamLayout = std::vector<ParamSpec>;

// Names: t3_base, t3_mtl, t3_turbo, t3_nano, s3gen_base, s3gen_meanflow, ve.
// Throws kInvalidArgument for an unknown name.
const ParamLayout& param_layout(const std::string& name);

// The layout names of a variant's T3 ("" for voice conversion) and S3Gen files.
std::string t3_layout_name(Variant variant);
std::string s3gen_layout_name(Variant variant);
std::vector<std::string> param_layout_names();

// Every tensor of `layout` filled by the pattern rule.
StateDict pattern_state_dict(const ParamLayout& layout, const std::string& origin);
StateDict pattern_state_dict(const std::string& layout_name);

// Checks that `dict` has exactly the keys and shapes of `layout` (extra keys listed in
// `allowed_extra` are tolerated). Throws kCorruptData naming the first problem.
void check_layout(const StateDict& dict, const ParamLayout& layout,
                  const std::vector<std::string>& allowed_extra = {});

}  // namespace chatterbox::io
