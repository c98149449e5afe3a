// The microphone's AudioWorklet: gathers the 128-sample render quanta of the first input channel
// into chunks (20 ms at the station's rate) and posts each to the page as a transferable buffer.
class MoodDJMic extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = options.processorOptions.chunk;
    this.chunk = new Float32Array(this.size);
    this.filled = 0;
  }

  process(inputs) {
    const input = inputs[0]?.[0];
    if (!input) return true;
    for (let i = 0; i < input.length; i++) {
      this.chunk[this.filled++] = input[i];
      if (this.filled === this.chunk.length) {
        // Transferring the buffer detaches it (its length becomes 0), so the next chunk is sized from this.size.
        this.port.postMessage(this.chunk.buffer, [this.chunk.buffer]);
        this.chunk = new Float32Array(this.size);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor("mooddj-mic", MoodDJMic);
