#pragma once
// The web page's files (server/web/), compiled in by cmake/embed_text_files.cmake.

namespace chatterbox::server::http {

// The content of server/web/<name> ("index.html", "app.js", ...), or nullptr.
const char* web_file(const char* name);

}  // namespace chatterbox::server::http
