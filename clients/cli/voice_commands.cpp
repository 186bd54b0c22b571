#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "commands.h"

namespace chatterbox::cli {
namespace {

constexpr size_t kPiece = 64 * 1024;

struct UploadOptions {
  std::string name, clip, model;
  double exaggeration = 0.5;
  bool overwrite = false;
};

int upload(const ConnectionOptions& connection, const UploadOptions& o, bool has_exaggeration) {
  std::ifstream in(o.clip, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot read " << o.clip << std::endl;
    return 1;
  }
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string clip = bytes.str();
  Connection link(connection);
  auto context = link.context();
  v1::Voice voice;
  auto writer = link.tts().CreateVoice(context.get(), &voice);
  v1::CreateVoiceRequest part;
  part.mutable_metadata()->set_name(o.name);
  part.mutable_metadata()->set_model(o.model);
  part.mutable_metadata()->set_overwrite(o.overwrite);
  if (has_exaggeration) part.mutable_metadata()->set_exaggeration(o.exaggeration);
  bool open = writer->Write(part);
  for (size_t at = 0; open && at < clip.size(); at += kPiece) {
    part.Clear();
    part.set_clip(clip.substr(at, kPiece));
    open = writer->Write(part);
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return report(status);
  std::printf("%s\tvariant=%s\tsource_seconds=%.2f\tcreated=%s\n", voice.name().c_str(),
              voice.variant().c_str(), voice.source_seconds(), voice.created().c_str());
  return 0;
}

int remove(const ConnectionOptions& connection, const std::string& name) {
  Connection link(connection);
  v1::DeleteVoiceRequest request;
  request.set_name(name);
  v1::DeleteVoiceResponse response;
  const grpc::Status status = link.tts().DeleteVoice(link.context().get(), request, &response);
  if (!status.ok()) return report(status);
  std::printf("deleted %s\n", name.c_str());
  return 0;
}

}  // namespace

Runner add_upload_voice(CLI::App& app, const ConnectionOptions& connection) {
  auto o = std::make_shared<UploadOptions>();
  auto* cmd = app.add_subcommand("upload-voice", "Make a voice from a reference clip and keep it");
  cmd->add_option("name", o->name, "Voice name ([A-Za-z0-9_-]{1,64})")->required();
  cmd->add_option("clip", o->clip, "Reference clip (WAV, FLAC, OGG, MP3)")->required();
  cmd->add_option("--model", o->model, "The model whose variant the voice is for");
  cmd->add_option("--exaggeration", o->exaggeration, "Emotion exaggeration");
  cmd->add_flag("--overwrite", o->overwrite, "Replace a voice of that name");
  return [cmd, o, &connection]() {
    return *cmd ? upload(connection, *o, cmd->count("--exaggeration") > 0) : -1;
  };
}

Runner add_delete_voice(CLI::App& app, const ConnectionOptions& connection) {
  auto name = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("delete-voice", "Delete a voice from the library");
  cmd->add_option("name", *name, "Voice name")->required();
  return [cmd, name, &connection]() { return *cmd ? remove(connection, *name) : -1; };
}

}  // namespace chatterbox::cli
