// The Hugging Face tokenizer pieces: pre-tokenizer splits, BPE, added tokens, and refusal of
// components this engine does not implement.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/common/error.h"
#include "engine/text/hf_tokenizer.h"
#include "engine/text/pre_tokenizer.h"
#include "engine/text/unicode.h"
#include "tests/support/temp_dir.h"

namespace chatterbox::text {
namespace {

using nlohmann::json;
using Strings = std::vector<std::string>;

// A tiny character BPE: a b c ab abc, [UNK]=0, and one added token.
json tiny_tokenizer() {
  return json::parse(R"({
    "added_tokens": [{"id": 0, "content": "[UNK]", "special": true},
                     {"id": 6, "content": "[X]", "special": true, "normalized": false}],
    "normalizer": null,
    "pre_tokenizer": {"type": "Whitespace"},
    "post_processor": null,
    "decoder": null,
    "model": {"type": "BPE", "unk_token": "[UNK]", "fuse_unk": false,
              "vocab": {"[UNK]": 0, "a": 1, "b": 2, "c": 3, "ab": 4, "abc": 5},
              "merges": [["a", "b"], "ab c"]}
  })");
}

ErrorCode load_error(const json& config, std::string* message) {
  try {
    HfTokenizer::from_json(config, "test.json");
  } catch (const Error& e) {
    *message = e.what();
    return e.code();
  }
  return ErrorCode::kInternal;
}

TEST(TokenizerHf, Gpt2PatternSplitsLikeTheRegex) {
  EXPECT_EQ(gpt2_regex_split("I can't  do it!!  "),
            (Strings{"I", " can", "'t", " ", " do", " it", "!!", "  "}));
  EXPECT_EQ(gpt2_regex_split("x42 \u00E9t\u00E9\n\nok"),
            (Strings{"x", "42", " \u00E9t\u00E9", "\n", "\n", "ok"}));
  EXPECT_EQ(gpt2_regex_split("we'll 're"), (Strings{"we", "'ll", " '", "re"}));
}

TEST(TokenizerHf, WhitespacePatternSplitsWordsAndPunctuation) {
  EXPECT_EQ(whitespace_regex_split("Hello,  world!? 42e\u0301"),
            (Strings{"Hello", ",", "world", "!?", "42e\u0301"}));
  EXPECT_TRUE(whitespace_regex_split(" \t ").empty());
}

TEST(TokenizerHf, UnicodeServicesFollowPython) {
  EXPECT_EQ(full_lower("\u039F\u0394\u03A5\u03A3\u03A3\u0395\u03A5\u03A3 \u03A3\u039F"),
            "\u03BF\u03B4\u03C5\u03C3\u03C3\u03B5\u03C5\u03C2 \u03C3\u03BF");  // final sigma
  EXPECT_EQ(full_lower("\u0130I"), "i\u0307i");  // root locale, not Turkish
  EXPECT_EQ(normalize("\uD55C\uFF0C\u3002", NormalForm::kNFKD), "\u1112\u1161\u11AB,\u3002");
}

TEST(TokenizerHf, BpeMergesByRankAndMapsUnknownCharactersToUnk) {
  const auto tok = HfTokenizer::from_json(tiny_tokenizer(), "tiny");
  EXPECT_EQ(tok.encode("abc"), (std::vector<int64_t>{5}));
  EXPECT_EQ(tok.encode("cab"), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(tok.encode("azzb"), (std::vector<int64_t>{1, 0, 0, 2}));  // one [UNK] per char
  EXPECT_EQ(tok.encode("ab[X]c [UNK]"), (std::vector<int64_t>{4, 6, 3, 0}));
  EXPECT_TRUE(tok.encode("").empty());
  EXPECT_EQ(tok.decode({4, 6, 3}, false), "ab [X] c");  // no decoder: joined with spaces
  EXPECT_EQ(tok.decode({4, 6, 3}, true), "ab c");
}

TEST(TokenizerHf, FusedUnknownsBecomeOneUnk) {
  json config = tiny_tokenizer();
  config["model"]["fuse_unk"] = true;
  EXPECT_EQ(HfTokenizer::from_json(config, "tiny").encode("azzb"), (std::vector<int64_t>{1, 0, 2}));
}

TEST(TokenizerHf, AddedTokensMatchLeftmostLongestAndHonourStripFlags) {
  json config = tiny_tokenizer();
  config["added_tokens"].push_back({{"id", 7}, {"content", "[X]c"}, {"normalized", false}});
  config["added_tokens"].push_back(
      {{"id", 8}, {"content", "<s>"}, {"lstrip", true}, {"rstrip", true}, {"normalized", false}});
  config["added_tokens"].push_back(
      {{"id", 9}, {"content", "ab"}, {"single_word", true}, {"normalized", false}});
  const auto tok = HfTokenizer::from_json(config, "tiny");
  EXPECT_EQ(tok.encode("a[X]cb"), (std::vector<int64_t>{1, 7, 2}));
  EXPECT_EQ(tok.encode("a  <s>  b"), (std::vector<int64_t>{1, 8, 2}));
  EXPECT_EQ(tok.encode("c ab c"), (std::vector<int64_t>{3, 9, 3}));  // a word on its own
  EXPECT_EQ(tok.encode("cab"), (std::vector<int64_t>{3, 4}));        // inside a word: BPE
}

TEST(TokenizerHf, TemplatePostProcessorAddsItsSpecialTokens) {
  json config = tiny_tokenizer();
  config["post_processor"] = json::parse(R"({"type": "TemplateProcessing",
      "single": [{"SpecialToken": {"id": "[X]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
      "special_tokens": {"[X]": {"id": "[X]", "ids": [6], "tokens": ["[X]"]}}})");
  EXPECT_EQ(HfTokenizer::from_json(config, "tiny").encode("c"), (std::vector<int64_t>{6, 3}));
}

TEST(TokenizerHf, TruncationKeepsRoomForTheTemplateTokens) {
  json config = tiny_tokenizer();
  config["truncation"] = {{"max_length", 3}, {"direction", "Right"}};
  config["post_processor"] = json::parse(R"({"type": "TemplateProcessing",
      "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[X]", "type_id": 0}}],
      "special_tokens": {"[X]": {"id": "[X]", "ids": [6], "tokens": ["[X]"]}}})");
  EXPECT_EQ(HfTokenizer::from_json(config, "tiny").encode("a b c"),
            (std::vector<int64_t>{1, 2, 6}));
  config["truncation"]["direction"] = "Left";
  EXPECT_EQ(HfTokenizer::from_json(config, "tiny").encode("a b c"),
            (std::vector<int64_t>{2, 3, 6}));
}

TEST(TokenizerHf, UnsupportedComponentsAreNamedErrors) {
  std::string message;
  json config = tiny_tokenizer();
  config["normalizer"] = {{"type", "Replace"}};
  EXPECT_EQ(load_error(config, &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("Replace"), std::string::npos) << message;

  config = tiny_tokenizer();
  config["pre_tokenizer"] = {{"type", "Metaspace"}};
  EXPECT_EQ(load_error(config, &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("Metaspace"), std::string::npos) << message;

  config = tiny_tokenizer();
  config["model"]["type"] = "WordPiece";
  EXPECT_EQ(load_error(config, &message), ErrorCode::kUnsupported);
  EXPECT_NE(message.find("WordPiece"), std::string::npos) << message;

  config = tiny_tokenizer();
  config["post_processor"] = {{"type", "SomethingElse"}};
  EXPECT_EQ(load_error(config, &message), ErrorCode::kUnsupported);

  config = tiny_tokenizer();
  config["model"]["byte_fallback"] = true;
  EXPECT_EQ(load_error(config, &message), ErrorCode::kUnsupported);

  config = tiny_tokenizer();
  config["decoder"] = {{"type", "WordPiece"}};
  const auto tok = HfTokenizer::from_json(config, "tiny");  // encoding still works
  EXPECT_EQ(tok.encode("ab"), (std::vector<int64_t>{4}));
  try {
    tok.decode({4}, false);
    ADD_FAILURE() << "decode with an unsupported decoder did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
  }
}

TEST(TokenizerHf, BrokenFilesAreCorruptDataOrNotFound) {
  std::string message;
  json config = tiny_tokenizer();
  config["model"]["merges"].push_back("c zz");
  EXPECT_EQ(load_error(config, &message), ErrorCode::kCorruptData);
  EXPECT_NE(message.find("zz"), std::string::npos) << message;
  try {
    HfTokenizer::from_json_file("/nonexistent/tokenizer.json");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  }
}

// Found by fuzzing: nlohmann's get<int64_t>() casts floats and booleans (out of range: undefined
// behaviour), and std::stoll threw std::invalid_argument past the typed errors.
TEST(TokenizerHf, IdsMustBeWholeNumbersInRange) {
  std::string message;
  for (const json& bad : {json(2.6e28), json(1.5), json(true), json(-1), json(int64_t{1} << 40)}) {
    json config = tiny_tokenizer();
    config["model"]["vocab"]["abc"] = bad;
    EXPECT_EQ(load_error(config, &message), ErrorCode::kCorruptData) << bad;
    config = tiny_tokenizer();
    config["added_tokens"][1]["id"] = bad;
    EXPECT_EQ(load_error(config, &message), ErrorCode::kCorruptData) << bad;
  }
  json config = tiny_tokenizer();
  config["truncation"] = {{"max_length", -3}};
  EXPECT_EQ(load_error(config, &message), ErrorCode::kCorruptData);
}

TEST(TokenizerHf, Gpt2FileIdsMustBeWholeNumbersInRange) {
  auto load_gpt2 = [](const std::string& vocab, const std::string& config) {
    testing::TempDir dir;
    std::ofstream(dir.file("vocab.json")) << vocab;
    std::ofstream(dir.file("merges.txt")) << "a b\n";
    std::ofstream(dir.file("tokenizer_config.json")) << config;
    try {
      HfTokenizer::from_gpt2_files(dir.path());
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  };
  const std::string vocab = R"({"a": 0, "b": 1, "ab": 2})";
  EXPECT_EQ(load_gpt2(vocab, "{}"), ErrorCode::kInternal);  // loads
  EXPECT_EQ(load_gpt2(R"({"a": 0, "b": 1e30, "ab": 2})", "{}"), ErrorCode::kCorruptData);
  for (const char* key : {"x", "-1", "99999999999", ""}) {
    const json config = {{"added_tokens_decoder", {{key, {{"content", "[x]"}}}}}};
    EXPECT_EQ(load_gpt2(vocab, config.dump()), ErrorCode::kCorruptData) << key;
  }
}

TEST(TokenizerHf, InvalidUtf8IsRejected) {
  const auto tok = HfTokenizer::from_json(tiny_tokenizer(), "tiny");
  try {
    tok.encode("ab\xFF");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace chatterbox::text
