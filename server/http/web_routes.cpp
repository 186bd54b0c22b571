#include <string>

#include "server/http/http_routes.h"
#include "server/http/http_util.h"
#include "server/http/web_files.h"

namespace chatterbox::server::http {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// nullptr for names the page does not use, so that only its own kinds of files are served.
const char* content_type_of(const std::string& name) {
  if (ends_with(name, ".html")) return "text/html; charset=utf-8";
  if (ends_with(name, ".js")) return "text/javascript; charset=utf-8";
  if (ends_with(name, ".css")) return "text/css; charset=utf-8";
  return nullptr;
}

void send_web_file(const std::string& name, httplib::Response& res) {
  const char* type = content_type_of(name);
  const char* content = type ? web_file(name.c_str()) : nullptr;
  if (!content) {
    send_error(res, ApiError(404, "not_found", "no web file " + name));
    return;
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Content-Type-Options", "nosniff");
  // The page talks to its own origin only; audio plays from (and the WAV is read back from)
  // blob: URLs it makes itself.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; connect-src 'self' blob:; media-src 'self' blob:; "
                 "img-src 'self' data:; "
                 "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
  res.set_content(content, type);
}

}  // namespace

void add_web_routes(httplib::Server& server) {
  server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    send_web_file("index.html", res);
  });
  server.Get(R"(/web/([A-Za-z0-9_.-]+))", [](const httplib::Request& req, httplib::Response& res) {
    send_web_file(req.matches[1], res);
  });
}

}  // namespace chatterbox::server::http
