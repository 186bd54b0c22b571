#include "server/fault_injection.h"

#include <memory>
#include <set>
#include <sstream>

#include "engine/common/error.h"
#include "engine/log/log.h"

namespace chatterbox::server {

runtime::PlacementHooks fault_injection_hooks(const char* value) {
  runtime::PlacementHooks hooks;
  if (value == nullptr || *value == '\0') return hooks;
  auto models = std::make_shared<std::set<std::string>>();
  std::istringstream names(value);
  std::string name;
  while (std::getline(names, name, ','))
    if (!name.empty()) models->insert(name);
  log::warn(std::string("fault injection: ") + kFaultWarmUpFailVariable + "=" + value +
            ": the warm-up of these models will fail");
  hooks.warm_up_fault = [models](const std::string& model, const std::string& device) {
    if (models->count(model))
      fail(ErrorCode::kUnavailable,
           "injected warm-up failure on " + device + " (" + kFaultWarmUpFailVariable + ")");
  };
  return hooks;
}

}  // namespace chatterbox::server
