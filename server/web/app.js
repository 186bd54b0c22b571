// The page's wiring: models and voices into the form, speaking, voice uploads, the API key
// prompt and the status panel.
//
// For tests and for people debugging, window.__chatterbox holds the state of the last
// synthesis: {state: "idle"|"speaking"|"done"|"error"|"stopped", bytesReceived (PCM bytes of
// the last synthesis), secondsPlayed (audio of it that finished playing), lastError (the last
// error shown, as "code (HTTP status): message", or null)}.

import { ApiError, apiKey, requestJson, setApiKey } from "./api.js";
import { Speaker } from "./speaker.js";
import { render, startStatusPolling } from "./status.js";
import { createVoice, deleteVoice, listVoices } from "./voices.js";

const state = { state: "idle", bytesReceived: 0, secondsPlayed: 0, lastError: null };
window.__chatterbox = state;

const $ = (id) => document.getElementById(id);
const OPTIONS = ["exaggeration", "cfg_weight", "temperature", "top_p", "min_p", "top_k",
  "repetition_penalty", "seed", "max_new_tokens"];
let models = [];
let downloadUrl = null;

function showError(error, where) {
  const text = String(error);
  state.lastError = text;
  $("error").textContent = text;
  $("error").hidden = false;
  if (where) where.textContent = text;
  if (error instanceof ApiError && error.status === 401) askForKey();
}

function clearError() {
  state.lastError = null;
  $("error").hidden = true;
  $("error").textContent = "";
}

function askForKey() {
  $("key-panel").hidden = false;
  $("api-key").focus();
}

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

function currentModel() {
  return models.find((m) => m.id === $("model").value);
}

function fillLanguages(model) {
  const languages = (model && model.languages) || [];
  $("language-field").hidden = languages.length === 0;
  $("language").replaceChildren(option("", "model default"), ...languages.map((l) => option(l, l)));
}

async function loadVoices(select) {
  const model = $("model").value;
  if (!model) return;
  const voices = await listVoices(model);
  $("voice").replaceChildren(option("", "built-in voice"), ...voices.map((v) => option(v.name, v.name)));
  if (select) $("voice").value = select;
}

async function loadModels() {
  const { data } = await requestJson("GET", "/v1/models");
  models = data;
  $("model").replaceChildren(...models.map((m) => option(m.id, `${m.id} (${m.variant})`)));
  fillLanguages(currentModel());
  await loadVoices();
  clearError();
}

function speechBody() {
  const body = { model: $("model").value, input: $("text").value, voice: $("voice").value || null };
  if (!$("language-field").hidden && $("language").value) body.language = $("language").value;
  for (const name of OPTIONS) {
    const value = $(name).value.trim();
    if (value !== "") body[name] = Number(value);
  }
  return body;
}

function setSpeaking(speaking) {
  $("speak").disabled = speaking;
  $("stop").disabled = !speaking;
}

function offerDownload(blob) {
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(blob);
  $("download").href = downloadUrl;
  $("download").hidden = false;
  $("replay").src = downloadUrl;
  $("replay").hidden = false;
}

const speaker = new Speaker({
  onBytes: (n) => { state.bytesReceived += n; },
  onPlayed: (seconds) => { state.secondsPlayed += seconds; },
  onFirstAudio: () => { $("speak-status").textContent = "Playing while it streams..."; },
});

async function speak() {
  Object.assign(state, { state: "speaking", bytesReceived: 0, secondsPlayed: 0 });
  clearError();
  setSpeaking(true);
  $("speak-status").textContent = "Waiting for the first audio...";
  try {
    const blob = await speaker.speak(speechBody());
    state.state = "done";
    $("speak-status").textContent = `Done: ${(state.bytesReceived / 2 / 24000).toFixed(2)} s of audio.`;
    offerDownload(blob);
  } catch (e) {
    if (e.name === "AbortError") {
      state.state = "stopped";
      $("speak-status").textContent = "Stopped.";
    } else {
      state.state = "error";
      showError(e, $("speak-status"));
    }
  } finally {
    setSpeaking(false);
  }
}

async function uploadVoice() {
  const name = $("voice-name").value.trim();
  $("voice-status").textContent = `Making voice ${name}...`;
  try {
    const voice = await createVoice(name, $("model").value, $("voice-file").files[0]);
    await loadVoices(voice.name);
    $("voice-status").textContent = `Voice ${voice.name} made from ${voice.source_seconds.toFixed(1)} s of audio.`;
  } catch (e) {
    showError(e, $("voice-status"));
  }
}

async function removeVoice() {
  const name = $("voice").value;
  if (!name) {
    $("voice-status").textContent = "Choose a voice of the library (not the built-in one) to delete.";
    return;
  }
  try {
    await deleteVoice(name);
    await loadVoices();
    $("voice-status").textContent = `Voice ${name} deleted.`;
  } catch (e) {
    showError(e, $("voice-status"));
  }
}

function onHealth(health) {
  render(health, $("status-panel"), $("status-summary"));
  const notes = health.models.filter((m) => m.pattern_model).map((m) => `${m.name}: ${m.note}`);
  $("pattern-note").hidden = notes.length === 0;
  $("pattern-note").textContent = notes.join(" ");
}

function wire() {
  $("speak-form").addEventListener("submit", (e) => { e.preventDefault(); speak(); });
  $("text").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      $("speak-form").requestSubmit();
    }
  });
  $("stop").addEventListener("click", () => speaker.stop());
  $("model").addEventListener("change", () => {
    fillLanguages(currentModel());
    loadVoices().catch((e) => showError(e));
  });
  $("voice-form").addEventListener("submit", (e) => { e.preventDefault(); uploadVoice(); });
  $("voice-delete").addEventListener("click", removeVoice);
  $("key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setApiKey($("api-key").value);
    loadModels().then(() => { $("key-panel").hidden = true; }).catch((err) => showError(err));
  });
}

wire();
if (apiKey()) $("api-key").value = apiKey();
loadModels().catch((e) => showError(e));
startStatusPolling(onHealth, (e) => showError(e));
