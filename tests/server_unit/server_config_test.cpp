// The server's config file and its checks: the stream chunk keys reach every model's engine, and
// bad values are refused naming their key.

#include "server/server_config.h"

#include <gtest/gtest.h>

#include "engine/common/error.h"

namespace chatterbox::server {
namespace {

nlohmann::json one_model(nlohmann::json config) {
  config["models"] = {{{"variant", "nano"}, {"checkpoint_dir", "/nowhere"}},
                      {{"name", "second"}, {"variant", "turbo"}, {"checkpoint_dir", "/nowhere"}}};
  return config;
}

TEST(ServerConfig, ChunkScheduleReachesEveryModel) {
  ServerConfig config =
      parse_server_config(one_model({{"first_chunk_tokens", 20}, {"chunk_growth", 4}}));
  finish_server_config(config);
  ASSERT_EQ(config.models.size(), 2u);
  for (const auto& spec : config.models) {
    EXPECT_EQ(spec.engine.first_chunk_tokens, 20);
    EXPECT_EQ(spec.engine.chunk_growth, 4);
  }
  ServerConfig defaults = parse_server_config(one_model(nlohmann::json::object()));
  finish_server_config(defaults);
  EXPECT_EQ(defaults.models[0].engine.first_chunk_tokens, 12);
  EXPECT_EQ(defaults.models[0].engine.chunk_growth, 0) << "the engine picks the device's";
}

void expect_refused(const nlohmann::json& config, const std::string& key) {
  try {
    ServerConfig c = parse_server_config(one_model(config));
    finish_server_config(c);
    ADD_FAILURE() << config.dump() << " was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
  }
}

TEST(ServerConfig, BadChunkScheduleIsRefusedByName) {
  expect_refused({{"first_chunk_tokens", 0}}, "first_chunk_tokens");
  expect_refused({{"first_chunk_tokens", 101}}, "first_chunk_tokens");
  expect_refused({{"chunk_growth", -1}}, "chunk_growth");
  expect_refused({{"chunk_growth", 17}}, "chunk_growth");
  expect_refused({{"chunk_growth", "two"}}, "chunk_growth");
  expect_refused({{"chunk_grow", 2}}, "chunk_grow");
}

}  // namespace
}  // namespace chatterbox::server
