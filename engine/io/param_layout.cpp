#include "engine/io/param_layout.h"

#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "engine/common/error.h"
#include "engine/io/embedded_assets.h"
#include "engine/io/pattern_weights.h"

namespace chatterbox::io {

namespace {

ParamLayout parse_layout(const std::string& text) {
  ParamLayout layout;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    ParamSpec spec;
    std::string dtype, shape;
    fields >> spec.key >> dtype >> shape;
    spec.dtype = dtype == "int64" ? torch::kInt64 : torch::kFloat32;
    if (shape != "-") {
      std::istringstream dims(shape);
      std::string dim;
      while (std::getline(dims, dim, ',')) spec.shape.push_back(std::stoll(dim));
    }
    layout.push_back(std::move(spec));
  }
  return layout;
}

// GPT-2 small in place of GPT-2 medium: 12 layers, width 768 (spec/t3-and-pipelines.md 6.3).
ParamLayout nano_from_turbo(const ParamLayout& turbo) {
  static const std::regex layer_key(R"(^tfmr\.h\.(\d+)\.)");
  ParamLayout nano;
  for (ParamSpec spec : turbo) {
    std::smatch m;
    if (std::regex_search(spec.key, m, layer_key) && std::stoi(m[1]) >= 12) continue;
    for (auto& d : spec.shape) {
      if (d == 1024)
        d = 768;
      else if (d == 3072)
        d = 2304;
      else if (d == 4096)
        d = 3072;
    }
    nano.push_back(std::move(spec));
  }
  return nano;
}

}  // namespace

std::vector<std::string> param_layout_names() {
  return {"t3_base", "t3_mtl", "t3_turbo", "t3_nano", "s3gen_base", "s3gen_meanflow", "ve"};
}

const ParamLayout& param_layout(const std::string& name) {
  static std::mutex mutex;
  static std::map<std::string, ParamLayout> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  ParamLayout layout;
  if (name == "t3_nano") {
    layout = nano_from_turbo(parse_layout(embedded_asset("t3_turbo.txt")));
  } else {
    const char* text = embedded_text((name + ".txt").c_str());
    if (!text) fail(ErrorCode::kInvalidArgument, "unknown checkpoint layout '" + name + "'");
    layout = parse_layout(text);
  }
  return cache.emplace(name, std::move(layout)).first->second;
}

StateDict pattern_state_dict(const ParamLayout& layout, const std::string& origin) {
  StateDict dict(origin);
  for (const auto& spec : layout)
    dict.insert(spec.key, pattern_tensor(spec.key, spec.shape, spec.dtype));
  return dict;
}

StateDict pattern_state_dict(const std::string& layout_name) {
  return pattern_state_dict(param_layout(layout_name), "pattern:" + layout_name);
}

void check_layout(const StateDict& dict, const ParamLayout& layout,
                  const std::vector<std::string>& allowed_extra) {
  std::set<std::string> expected;
  for (const auto& spec : layout) {
    dict.get(spec.key, spec.shape);
    expected.insert(spec.key);
  }
  std::set<std::string> extra_ok(allowed_extra.begin(), allowed_extra.end());
  for (const auto& key : dict.keys())
    if (!expected.count(key) && !extra_ok.count(key))
      fail(ErrorCode::kCorruptData,
           "checkpoint " + dict.origin() + " has an unexpected key '" + key + "'");
}

std::string t3_layout_name(Variant variant) {
  switch (variant) {
    case Variant::kOriginal:
      return "t3_base";
    case Variant::kMultilingual:
      return "t3_mtl";
    case Variant::kTurbo:
      return "t3_turbo";
    case Variant::kNano:
      return "t3_nano";
    case Variant::kVoiceConversion:
      break;
  }
  return "";
}

std::string s3gen_layout_name(Variant variant) {
  return is_turbo_family(variant) ? "s3gen_meanflow" : "s3gen_base";
}

}  // namespace chatterbox::io
