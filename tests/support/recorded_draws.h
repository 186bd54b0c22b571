#pragma once
// The goldens record each random draw with its call site in the reference (goldens/README.md);
// this maps a site to the S3Gen draw it stands for. (tools/chatterbox_parity.cpp keeps its own
// reader: programs include nothing from tests/.)

#include <string>

#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "engine/models/s3gen/s3gen.h"

namespace chatterbox::testing {

// A meta list of draws ({"site": ..., "key": ...}) -> the S3Gen noise, tensors from `tensor(key)`.
// The vocoder's second noise draw (hifigan.py:282, the source noise) is unused by the reference's
// output and is skipped; an unknown site is an error, so a golden format change cannot pass
// silently.
template <typename TensorByKey>
models::s3gen::S3GenNoise recorded_s3gen_noise(const nlohmann::json& draws,
                                               const TensorByKey& tensor) {
  models::s3gen::S3GenNoise noise;
  for (const auto& draw : draws) {
    const std::string site = draw["site"], key = draw["key"];
    if (site.find("s3gen.py:flow_inference") != std::string::npos)
      noise.flow_generated = tensor(key);
    else if (site.find("flow_matching.py:forward") != std::string::npos)
      noise.flow_z = tensor(key);
    else if (site.rfind("rand@uniform.py", 0) == 0)
      noise.hift_phase = tensor(key);
    else if (site.find("hifigan.py:forward:226") != std::string::npos)
      noise.hift_sine_noise = tensor(key);
    else if (site.find("hifigan.py:forward:282") == std::string::npos)
      fail(ErrorCode::kUnsupported, "unknown draw site " + site);
  }
  return noise;
}

}  // namespace chatterbox::testing
