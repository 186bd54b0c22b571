// One synthesis: POST /v1/audio/speech with response_format "pcm", the body read as a stream
// and played while it arrives; the pieces kept for the WAV download.

import { request } from "./api.js";
import { PcmPlayer } from "./pcm_player.js";
import { wavBlob } from "./wav.js";

let context = null;

// One AudioContext for the page, made (or resumed) inside the click that asks to speak.
function audioContext() {
  if (!context) context = new AudioContext();
  if (context.state === "suspended") context.resume();
  return context;
}

export class Speaker {
  // hooks: onBytes(n), onPlayed(seconds), onFirstAudio()
  constructor(hooks) {
    this.hooks = hooks;
    this.controller = null;
    this.player = null;
  }

  // Resolves to the WAV Blob of what was received; throws ApiError (or AbortError on stop()).
  async speak(body) {
    const ctx = audioContext();
    this.controller = new AbortController();
    const response = await request("POST", "/v1/audio/speech", {
      body: { ...body, response_format: "pcm", stream: true },
      signal: this.controller.signal,
    });
    const rate = Number(response.headers.get("X-Sample-Rate")) || 24000;
    this.player = new PcmPlayer(ctx, rate, this.hooks.onPlayed);
    const pieces = [];
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!pieces.length) this.hooks.onFirstAudio();
      pieces.push(value);
      this.player.push(value);
      this.hooks.onBytes(value.length);
    }
    await this.player.drained();
    return wavBlob(pieces, rate);
  }

  stop() {
    if (this.controller) this.controller.abort();
    if (this.player) this.player.stop();
  }
}
