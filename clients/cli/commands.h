#pragma once
// chatterbox-cli's subcommands; each registers its options and returns the runner that
// executes it (exit status) once parsed, or -1 when it was not chosen.

#include <CLI/CLI.hpp>

#include <functional>

#include "connection.h"

namespace chatterbox::cli {

using Runner = std::function<int()>;

// say: text to a WAV (or other format) file, or to stdout as it streams.
Runner add_say(CLI::App& app, const ConnectionOptions& connection);
// models, voices, status, health.
Runner add_models(CLI::App& app, const ConnectionOptions& connection);
Runner add_voices(CLI::App& app, const ConnectionOptions& connection);
Runner add_status(CLI::App& app, const ConnectionOptions& connection);
Runner add_health(CLI::App& app, const ConnectionOptions& connection);
// upload-voice NAME CLIP, delete-voice NAME.
Runner add_upload_voice(CLI::App& app, const ConnectionOptions& connection);
Runner add_delete_voice(CLI::App& app, const ConnectionOptions& connection);

}  // namespace chatterbox::cli
