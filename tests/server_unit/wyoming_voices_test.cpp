// Wyoming's names against our models: the voices and languages `info` lists, and what a
// synthesize event's `voice` {name, language} becomes (model, library voice, language code).

#include "server/wyoming/wyoming_voices.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/text/languages.h"
#include "server/api_error.h"

namespace chatterbox::server::wyoming {
namespace {

// A multilingual model first (so it is the default), then English-only nano; "alice" is in the
// library for the multilingual model only.
Catalog two_models() {
  ModelInfo mtl;
  mtl.name = "mtl";
  mtl.variant = Variant::kMultilingual;
  mtl.languages = text::supported_languages();
  ModelInfo nano;
  nano.name = "nano";
  nano.variant = Variant::kNano;
  nano.pattern_model = true;
  Catalog catalog;
  catalog.models = {mtl, nano};
  catalog.voices_of = [](const std::string& model) {
    std::vector<VoiceInfo> voices;
    if (model == "mtl") voices.push_back({"alice", Variant::kMultilingual, 6.0, ""});
    return voices;
  };
  catalog.resolve_model = [](const std::string& requested) -> std::string {
    if (requested.empty() || requested == "mtl" || requested == "nano")
      return requested.empty() ? "mtl" : requested;
    throw ApiError(404, "model_not_found", "no model named " + requested);
  };
  return catalog;
}

nlohmann::json fields(const std::string& name, const std::string& language = "") {
  nlohmann::json voice = {{"name", name}};
  if (!language.empty()) voice["language"] = language;
  return voice_fields(two_models(), voice);
}

TEST(WyomingVoices, InfoListsEveryModelsVoiceWithItsLanguages) {
  const auto info = info_data(two_models());
  ASSERT_EQ(info["tts"].size(), 1u);
  const auto& program = info["tts"][0];
  EXPECT_EQ(program["name"], "chatterboxd");
  EXPECT_TRUE(program["supports_synthesize_streaming"].get<bool>());
  std::vector<std::string> names;
  for (const auto& voice : program["voices"]) names.push_back(voice["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"mtl", "mtl/alice", "nano"}));
  const auto& mtl_languages = program["voices"][0]["languages"];
  EXPECT_EQ(mtl_languages.get<std::vector<std::string>>(), text::supported_languages());
  EXPECT_EQ(program["voices"][1]["languages"], mtl_languages);
  EXPECT_EQ(program["voices"][2]["languages"], nlohmann::json::array({"en"}));
  EXPECT_NE(program["voices"][2]["description"].get<std::string>().find("pattern model"),
            std::string::npos);
  for (const char* kind : {"asr", "handle", "intent", "wake", "mic", "snd"})
    EXPECT_TRUE(info[kind].is_array() && info[kind].empty()) << kind;
}

TEST(WyomingVoices, RegionalLanguageTagsBecomeTheModelsCodes) {
  const auto& codes = text::supported_languages();
  for (const char* code : {"en", "fr", "pt", "zh"})
    ASSERT_NE(std::find(codes.begin(), codes.end(), code), codes.end()) << code;
  EXPECT_EQ(fields("mtl", "en-US"), (nlohmann::json{{"model", "mtl"}, {"language", "en"}}));
  EXPECT_EQ(fields("mtl", "pt_BR"), (nlohmann::json{{"model", "mtl"}, {"language", "pt"}}));
  EXPECT_EQ(fields("mtl", "FR-ca"), (nlohmann::json{{"model", "mtl"}, {"language", "fr"}}));
  EXPECT_EQ(fields("mtl", "zh"), (nlohmann::json{{"model", "mtl"}, {"language", "zh"}}));
  // An unknown code goes on as given, lower-cased: the engine refuses it with the valid ones.
  EXPECT_EQ(fields("mtl", "xx-YY"), (nlohmann::json{{"model", "mtl"}, {"language", "xx-yy"}}));
  // English-only models take no language, whatever Home Assistant's pipeline says.
  EXPECT_EQ(fields("nano", "en-US"), (nlohmann::json{{"model", "nano"}}));
  EXPECT_EQ(fields("nano", "de-DE"), (nlohmann::json{{"model", "nano"}}));
}

TEST(WyomingVoices, VoiceNamesSelectTheModelAndTheLibraryVoice) {
  EXPECT_EQ(fields("mtl/alice", "de-AT"),
            (nlohmann::json{{"model", "mtl"}, {"voice", "alice"}, {"language", "de"}}));
  EXPECT_EQ(fields("nano"), (nlohmann::json{{"model", "nano"}}));
  // A bare library (or OpenAI) voice name means the first model.
  EXPECT_EQ(fields("alice"), (nlohmann::json{{"model", "mtl"}, {"voice", "alice"}}));
  EXPECT_EQ(voice_fields(two_models(), nullptr), (nlohmann::json{{"model", "mtl"}}));
  try {
    fields("klingon/alice");
    FAIL() << "an unknown model was accepted";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 404);
  }
}

}  // namespace
}  // namespace chatterbox::server::wyoming
