#include "tests/support/pattern_models.h"

#include <unistd.h>

#include <cstdio>

#include "engine/common/file_system.h"
#include "engine/io/pattern_checkpoint.h"

namespace chatterbox::testing {

std::string pattern_checkpoint_dir(Variant variant) {
  const std::string root = CHATTERBOX_TEST_CACHE_DIR;
  const std::string dir = fs::join(root, variant_name(variant));
  if (fs::exists(fs::join(dir, "PATTERN_MODEL.json"))) return dir;
  fs::create_directories(root);
  // Written aside and renamed into place, so parallel tests never see half a model.
  const std::string aside = dir + ".partial-" + std::to_string(getpid());
  fs::create_directories(aside);
  io::write_pattern_checkpoint(aside, variant);
  if (std::rename(aside.c_str(), dir.c_str()) != 0) fs::remove_all(aside);  // another won
  return dir;
}

}  // namespace chatterbox::testing
