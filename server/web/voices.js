// The voice library: GET /v1/voices for the model, POST /v1/voices (multipart: name, model,
// file) to make a voice from a reference clip, DELETE /v1/voices/{name}.

import { request, requestJson } from "./api.js";

export async function listVoices(model) {
  const { voices } = await requestJson("GET", `/v1/voices?model=${encodeURIComponent(model)}`);
  return voices.filter((v) => !v.builtin);
}

export async function createVoice(name, model, file) {
  const form = new FormData();
  form.append("name", name);
  if (model) form.append("model", model);
  form.append("file", file, file.name);
  return requestJson("POST", "/v1/voices", { body: form });
}

export async function deleteVoice(name) {
  await request("DELETE", `/v1/voices/${encodeURIComponent(name)}`);
}
