// The player's AudioWorklet: a ring buffer of interleaved samples fed by the page, played with a
// small start-up buffer. When the buffer runs more than MAX ahead (the page was busy), it skips
// forward to TARGET so latency does not creep up; after an underrun it waits for TARGET again.
const TARGET_MS = 30, MAX_MS = 80;

class MoodDJPlayer extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const { channels, sampleRate: rate } = options.processorOptions;
    this.channels = channels;
    this.ring = new Float32Array(rate * channels * 2);
    this.read = 0; this.write = 0; this.waiting = true;
    this.target = Math.round(rate * TARGET_MS / 1000) * channels;
    this.max = Math.round(rate * MAX_MS / 1000) * channels;
    this.volume = 1; this.sum = 0; this.count = 0; this.peakSince = currentTime;
    this.marks = []; // [absolute sample index, pump stamp]
    this.port.onmessage = (event) => this.receive(event.data);
  }

  receive(message) {
    if (message.type === "volume") { this.volume = message.volume; return; }
    const samples = message.samples;
    if (message.stamp) this.marks.push([this.write, message.stamp]);
    const size = this.ring.length;
    for (let i = 0; i < samples.length; i++) this.ring[(this.write + i) % size] = samples[i];
    this.write += samples.length;
    if (this.write - this.read > size) this.read = this.write - size;
  }

  process(_, outputs) {
    const out = outputs[0];
    const frames = out[0].length, channels = this.channels, size = this.ring.length;
    let buffered = this.write - this.read;
    if (this.waiting && buffered >= this.target) this.waiting = false;
    if (!this.waiting && buffered > this.max) { this.read = this.write - this.target; buffered = this.target; }
    for (let f = 0; f < frames; f++) {
      if (this.waiting || this.read + channels > this.write) {
        this.waiting = true;
        for (let c = 0; c < out.length; c++) out[c][f] = 0;
        continue;
      }
      while (this.marks.length && this.marks[0][0] <= this.read) {
        const [index, stamp] = this.marks.shift();
        if (index === this.read) this.port.postMessage({ type: "played", stamp, contextTime: currentTime + f / sampleRate });
      }
      for (let c = 0; c < out.length; c++) {
        const v = this.ring[(this.read + Math.min(c, channels - 1)) % size] * this.volume;
        out[c][f] = v;
        this.sum += v * v; this.count++;
      }
      this.read += channels;
    }
    while (this.marks.length && this.marks[0][0] < this.read - channels) this.marks.shift();
    if (currentTime - this.peakSince >= 0.05) {
      this.port.postMessage({ type: "level", level: this.count ? Math.min(1, Math.sqrt(this.sum / this.count) * 2) : 0 });
      this.sum = 0; this.count = 0; this.peakSince = currentTime;
    }
    return true;
  }
}

registerProcessor("mooddj-player", MoodDJPlayer);
