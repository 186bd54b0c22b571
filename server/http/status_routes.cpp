#include "engine/common/variant.h"
#include "server/engine_stall.h"
#include "server/http/http_routes.h"
#include "server/http/http_util.h"
#include "server/status_json.h"

namespace chatterbox::server::http {
namespace {

nlohmann::json models_json(TransportCore& core) {
  nlohmann::json data = nlohmann::json::array();
  for (const auto& m : core.models()) {
    nlohmann::json model = {{"id", m.name},
                            {"object", "model"},
                            {"owned_by", "chatterboxd"},
                            {"variant", variant_name(m.variant)},
                            {"ready", m.ready},
                            {"sample_rate", m.sample_rate},
                            {"pattern_model", m.pattern_model}};
    if (m.pattern_model) model["note"] = pattern_model_note();
    if (!m.languages.empty()) model["languages"] = m.languages;
    data.push_back(model);
  }
  return {{"object", "list"}, {"data", data}};
}

}  // namespace

void add_status_routes(httplib::Server& server, TransportCore& core) {
  server.Get("/v1/models", [&core](const httplib::Request& req, httplib::Response& res) {
    const RequestLog log = request_log(req, res);
    guarded(log, res, [&] { send_json(res, 200, models_json(core)); });
  });
  server.Get("/health", [&core](const httplib::Request&, httplib::Response& res) {
    const nlohmann::json health = health_json(core.registry().status(), core.draining());
    send_json(res, health["ready"].get<bool>() ? 200 : 503, health);
  });
  server.Get("/ready", [&core](const httplib::Request&, httplib::Response& res) {
    const bool ready = core.ready();
    send_json(res, ready ? 200 : 503,
              {{"ready", ready},
               {"status", core.draining() ? "shutting_down"
                          : ready         ? "ready"
                                          : "loading"}});
  });
  server.Get("/live", [&core](const httplib::Request&, httplib::Response& res) {
    const auto stalled = stalled_engines(core.registry().status(), kLivenessStallSeconds);
    nlohmann::json body = {{"live", stalled.empty()}};
    if (!stalled.empty()) body["stalled_engines"] = stalled;
    send_json(res, stalled.empty() ? 200 : 503, body);
  });
  server.Get("/metrics", [&core](const httplib::Request&, httplib::Response& res) {
    core.metrics().refresh(core.registry().status());
    res.set_content(core.metrics().expose(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace chatterbox::server::http
