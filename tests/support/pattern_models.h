#pragma once
// Full-size pattern checkpoint directories for tests that load models the way the server does,
// written once per build tree (under CHATTERBOX_TEST_CACHE_DIR) and shared by test processes.

#include <string>

#include "engine/common/variant.h"

namespace chatterbox::testing {

std::string pattern_checkpoint_dir(Variant variant);

}  // namespace chatterbox::testing
