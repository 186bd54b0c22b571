// Plays 16-bit little-endian mono PCM as it arrives: each piece becomes an AudioBuffer
// scheduled right after the previous one, so playback starts with the first chunk.
// `secondsPlayed` grows as the scheduled buffers finish playing.

const LEAD_SECONDS = 0.05; // head start for the first buffer, so that it is not late

export class PcmPlayer {
  constructor(context, sampleRate, onPlayed) {
    this.context = context;
    this.sampleRate = sampleRate;
    this.onPlayed = onPlayed;
    this.nextTime = 0;
    this.carry = null; // an odd trailing byte, kept for the next piece
    this.sources = new Set();
  }

  // Schedules `bytes` (a Uint8Array); returns the samples it held.
  push(bytes) {
    const data = this.withCarry(bytes);
    const samples = Math.floor(data.length / 2);
    this.carry = data.length % 2 ? data.slice(data.length - 1) : null;
    if (samples === 0) return 0;
    const buffer = this.context.createBuffer(1, samples, this.sampleRate);
    const channel = buffer.getChannelData(0);
    const view = new DataView(data.buffer, data.byteOffset, samples * 2);
    for (let i = 0; i < samples; i++) channel[i] = view.getInt16(2 * i, true) / 32768;
    this.schedule(buffer);
    return samples;
  }

  withCarry(bytes) {
    if (!this.carry) return bytes;
    const joined = new Uint8Array(bytes.length + 1);
    joined[0] = this.carry[0];
    joined.set(bytes, 1);
    return joined;
  }

  schedule(buffer) {
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const start = Math.max(this.nextTime, this.context.currentTime + LEAD_SECONDS);
    source.onended = () => {
      this.sources.delete(source);
      this.onPlayed(buffer.duration);
    };
    this.sources.add(source);
    source.start(start);
    this.nextTime = start + buffer.duration;
  }

  // Resolves once every scheduled buffer has played.
  async drained() {
    while (this.sources.size) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  stop() {
    for (const source of this.sources) {
      source.onended = null; // cut short: not counted as played
      source.stop();
    }
    this.sources.clear();
  }
}
