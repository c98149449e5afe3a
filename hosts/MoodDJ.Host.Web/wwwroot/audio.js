// Listening in the browser: the host's /audio WebSocket sends one binary message per frame
// (little-endian doubles: pump time and host send time in Unix ms; then interleaved 16-bit PCM); an AudioWorklet plays
// it with a small buffer, applies the volume and reports the level and, for one frame in ten,
// the context time its first sample plays, from which the pump-to-output latency follows.
const HEADER = 16;

export class BrowserAudio {
  constructor({ onLevel, onState, onLatency }) {
    Object.assign(this, { onLevel, onState, onLatency });
    this.context = null; this.node = null; this.socket = null; this.playing = false;
    this.volume = 0.8; this.backoff = 500; this.level = 0;
    this.latencies = []; this.latencyMs = null; this.latencyMethod = null; this.frames = 0;
    this.sent = new Map(); // pump stamp → [host ms (pump to send), network ms (send to arrival)] of measured frames
    this.parts = []; // [host, network, browser] per measured frame
    this.name = sessionStorage.getItem("mooddj-name") ?? `page-${Math.random().toString(36).slice(2, 6)}`;
    sessionStorage.setItem("mooddj-name", this.name);
  }

  async toggle(volume) {
    if (this.playing) { this.stop(); return false; }
    this.volume = volume;
    await this.start();
    return true;
  }

  async start() {
    this.playing = true;
    this.onState("Starting…");
    this.openSocket();
  }

  stop() {
    this.playing = false;
    this.socket?.close();
    this.socket = null;
    this.context?.close();
    this.context = null; this.node = null;
    this.level = 0; this.onLevel(0);
    this.onState("Not playing.");
  }

  setVolume(volume) {
    this.volume = volume;
    this.node?.port.postMessage({ type: "volume", volume });
  }

  /** The page joined or left a room: listen again, now to the station the page is on. */
  switchStation() {
    if (!this.playing) return;
    const old = this.socket;
    this.socket = null;
    old?.close();
    this.openSocket();
  }

  /** After the control socket comes back (a restarted host), the audio socket is reopened too. */
  reconnectIfPlaying() {
    if (this.playing && (!this.socket || this.socket.readyState > WebSocket.OPEN)) this.openSocket();
  }

  async ensureContext(sampleRate, channels) {
    if (this.context && this.context.sampleRate === sampleRate && this.channels === channels) return;
    this.context?.close();
    this.channels = channels;
    this.context = new AudioContext({ sampleRate, latencyHint: "interactive" });
    await this.context.audioWorklet.addModule("worklet.js");
    this.node = new AudioWorkletNode(this.context, "mooddj-player", {
      numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [channels],
      processorOptions: { channels, sampleRate },
    });
    this.node.port.onmessage = (event) => this.fromWorklet(event.data);
    this.node.port.postMessage({ type: "volume", volume: this.volume });
    this.node.connect(this.context.destination);
    await this.context.resume();
  }

  openSocket() {
    // page: this page's id from the host's welcome, so a page in a room hears the room's station.
    const page = this.page ? `&page=${encodeURIComponent(this.page)}` : "";
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/audio?name=${encodeURIComponent(this.name)}${page}`);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onmessage = async (event) => {
      if (typeof event.data === "string") {
        const format = JSON.parse(event.data);
        if (format.type === "format") {
          await this.ensureContext(format.sampleRate, format.channels);
          this.backoff = 500;
          this.via = format.via;
          this.room = format.room ?? null;
          this.onState(`Playing as “${format.name}” · PCM ${format.sampleRate} Hz, ${format.channels} ch${format.via === "p2p" ? " · through the host's P2P peer" : ""}${format.room ? ` · room ${format.room}` : ""}`);
        }
        return;
      }
      if (!this.node) return;
      const view = new DataView(event.data);
      const stamp = view.getFloat64(0, true);
      const hostSent = view.getFloat64(8, true);
      const pcm = new Int16Array(event.data, HEADER);
      const samples = new Float32Array(pcm.length);
      for (let i = 0; i < pcm.length; i++) samples[i] = pcm[i] / 32768;
      const measure = (this.frames++ % 10) === 0;
      if (measure) {
        this.sent.set(stamp, [hostSent - stamp, performance.timeOrigin + performance.now() - hostSent]);
        if (this.sent.size > 20) this.sent.delete(this.sent.keys().next().value);
      }
      this.node.port.postMessage({ type: "frame", samples, stamp: measure ? stamp : 0 }, [samples.buffer]);
    };
    socket.onclose = () => {
      if (this.socket !== socket || !this.playing) return;
      const wait = this.backoff;
      this.backoff = Math.min(this.backoff * 2, 5000);
      this.onState(`Audio connection lost — retrying in ${(wait / 1000).toFixed(1)} s`);
      setTimeout(() => { if (this.playing && this.socket === socket) this.openSocket(); }, wait);
    };
  }

  fromWorklet(message) {
    if (message.type === "level") {
      this.level = message.level;
      this.onLevel(message.level);
    } else if (message.type === "played") {
      this.measure(message.stamp, message.contextTime);
    }
  }

  // The frame's first sample leaves the speakers at (its context time mapped to performance time
  // through getOutputTimestamp, which includes the output latency); both clocks are this machine's.
  measure(stamp, contextTime) {
    const ctx = this.context;
    if (!ctx) return;
    const ts = ctx.getOutputTimestamp();
    let outputPerf, how;
    if (ts.contextTime > 0 && ts.performanceTime > 0) {
      outputPerf = ts.performanceTime + (contextTime - ts.contextTime) * 1000;
      how = "getOutputTimestamp";
    } else {
      outputPerf = performance.now() + (contextTime - ctx.currentTime + ctx.baseLatency + (ctx.outputLatency || 0)) * 1000;
      how = "currentTime + baseLatency + outputLatency";
    }
    const latency = performance.timeOrigin + outputPerf - stamp;
    if (!(latency > -1000 && latency < 10000)) return;
    this.latencies.push(latency);
    if (this.latencies.length > 50) this.latencies.shift();
    const [host, network] = this.sent.get(stamp) ?? [NaN, NaN];
    this.parts.push([host, network, latency - host - network]);
    if (this.parts.length > 50) this.parts.shift();
    const sorted = [...this.latencies].sort((a, b) => a - b);
    this.latencyMs = sorted[Math.floor(sorted.length / 2)];
    this.latencyMethod = how;
    this.onLatency(this.latencyMs, `median of ${sorted.length}, ${how}`);
  }
}
