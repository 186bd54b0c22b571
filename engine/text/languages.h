#pragma once
// The 23 language codes of the multilingual model (mtl_tts.SUPPORTED_LANGUAGES).

#include <string>
#include <string_view>
#include <vector>

namespace chatterbox::text {

const std::vector<std::string>& supported_languages();

// Lower-cases `language` (ASCII) and checks it is supported; throws Error(kInvalidArgument)
// listing the supported codes otherwise. An empty code stays empty (no language tag).
std::string canonical_language(std::string_view language);

}  // namespace chatterbox::text
