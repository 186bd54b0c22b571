#include "engine/io/embedded_assets.h"

#include "engine/common/error.h"

namespace chatterbox::io {

std::string embedded_asset(const std::string& name) {
  const char* text = embedded_text(name.c_str());
  if (!text) fail(ErrorCode::kInternal, "the engine was built without the asset " + name);
  return text;
}

}  // namespace chatterbox::io
