#pragma once
// Weight normalisation as stored by torch.nn.utils.parametrizations.weight_norm: a magnitude g
// (`<conv>.parametrizations.weight.original0`, shape [dim0, 1, ...]) and a direction v
// (`...original1`, the full weight shape). Inference only needs W = g * v / ||v||, so the
// pair is folded into one plain `<conv>.weight` once, at load time.

#include <torch/torch.h>

#include "engine/io/state_dict.h"

namespace chatterbox::models::s3gen {

// W = g * v / ||v||, the norm taken over every dim except 0, with no epsilon. Uses the same
// ATen kernel as PyTorch's parametrization, so the folded weight is bit-identical.
torch::Tensor fold_weight_norm(const torch::Tensor& g, const torch::Tensor& v);

// A copy of `weights` in which every weight-normed pair (the parametrizations keys above, or
// the legacy `<conv>.weight_g` / `<conv>.weight_v`) is replaced by its folded `<conv>.weight`.
// Other keys pass through unchanged. Throws kCorruptData when one half of a pair is missing.
io::StateDict fold_weight_norms(const io::StateDict& weights);

}  // namespace chatterbox::models::s3gen
