#include "server/wyoming/wyoming_voices.h"

#include <algorithm>
#include <cctype>

#include "engine/common/variant.h"
#include "server/version.h"

namespace chatterbox::server::wyoming {
namespace {

const nlohmann::json kAttribution = {{"name", "Resemble AI (Chatterbox)"},
                                     {"url", "https://github.com/resemble-ai/chatterbox"}};

std::vector<std::string> languages_of(const ModelInfo& model) {
  return model.languages.empty() ? std::vector<std::string>{"en"} : model.languages;
}

nlohmann::json voice_json(const std::string& name, const std::string& description,
                          const ModelInfo& model) {
  return {{"name", name},       {"description", description}, {"attribution", kAttribution},
          {"installed", true},  {"version", nullptr},         {"languages", languages_of(model)},
          {"speakers", nullptr}};
}

nlohmann::json voices_json(const Catalog& catalog) {
  nlohmann::json voices = nlohmann::json::array();
  for (const ModelInfo& m : catalog.models) {
    const std::string kind = std::string(variant_name(m.variant)) +
                             (m.pattern_model ? ", pattern model: noise, not speech" : "");
    voices.push_back(voice_json(m.name, m.name + " built-in voice (" + kind + ")", m));
    for (const VoiceInfo& v : catalog.voices_of(m.name))
      voices.push_back(voice_json(m.name + "/" + v.name, v.name + " on " + m.name, m));
  }
  return voices;
}

bool is_model(const Catalog& catalog, const std::string& name) {
  for (const ModelInfo& m : catalog.models)
    if (m.name == name) return true;
  return false;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "en-US", "pt_BR" -> the model's "en", "pt" when it has no exact match; English-only models
// take no language.
std::string language_for(const Catalog& catalog, const std::string& model, std::string language) {
  language = lower(language);
  for (const ModelInfo& m : catalog.models) {
    if (m.name != model) continue;
    if (m.languages.empty()) return "";
    auto has = [&](const std::string& code) {
      return std::find(m.languages.begin(), m.languages.end(), code) != m.languages.end();
    };
    if (has(language)) return language;
    const std::string base = language.substr(0, language.find_first_of("-_"));
    return has(base) ? base : language;  // an unknown code is refused by the engine
  }
  return language;
}

std::string string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

Catalog catalog_of(TransportCore& core) {
  return {core.models(), [&core](const std::string& model) { return core.list_voices(model); },
          [&core](const std::string& requested) { return core.resolve_model(requested); }};
}

nlohmann::json info_data(const Catalog& catalog) {
  nlohmann::json program = {{"name", "chatterboxd"},
                            {"description", "Chatterbox text to speech (chatterboxd)"},
                            {"attribution", kAttribution},
                            {"installed", true},
                            {"version", kVersion},
                            {"voices", voices_json(catalog)},
                            {"supports_synthesize_streaming", true}};
  return {{"asr", nlohmann::json::array()},    {"tts", {program}},
          {"handle", nlohmann::json::array()}, {"intent", nlohmann::json::array()},
          {"wake", nlohmann::json::array()},   {"mic", nlohmann::json::array()},
          {"snd", nlohmann::json::array()}};
}

nlohmann::json voice_fields(const Catalog& catalog, const nlohmann::json& voice) {
  const std::string name = string_field(voice, "name");
  std::string model, voice_name;
  if (const size_t slash = name.find('/'); slash != std::string::npos) {
    model = name.substr(0, slash);
    voice_name = name.substr(slash + 1);
  } else if (is_model(catalog, name)) {
    model = name;
  } else {
    voice_name = name;
  }
  model = catalog.resolve_model(model);  // 404 with the valid names
  nlohmann::json fields = {{"model", model}};
  if (!voice_name.empty()) fields["voice"] = voice_name;
  const std::string language = string_field(voice, "language");
  if (!language.empty()) {
    const std::string code = language_for(catalog, model, language);
    if (!code.empty()) fields["language"] = code;
  }
  return fields;
}

}  // namespace chatterbox::server::wyoming
