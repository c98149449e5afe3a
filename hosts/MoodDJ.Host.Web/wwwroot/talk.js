// Push to talk from the browser: the microphone (getUserMedia) runs through an AudioWorklet at the
// station's sample rate, and each 20 ms of mono 32-bit float PCM goes to the host's /talk WebSocket;
// the host encodes it in the station's codec and the station ducks the music under it.
export class BrowserTalk {
  constructor({ onState }) {
    this.onState = onState;
    this.socket = null; this.stream = null; this.context = null;
    this.bytes = 0;
  }

  get talking() { return this.socket !== null; }

  async toggle() {
    if (this.talking) { this.stop("Not talking."); return false; }
    this.start();
    return true;
  }

  start() {
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/talk`);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.onState("Connecting the microphone…");
    socket.onmessage = async (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "format") {
        try { await this.capture(message.sampleRate); }
        catch (error) { this.stop(`The microphone could not be opened: ${error.message}`); }
      } else if (message.type === "error") {
        this.stop(message.message);
      }
    };
    socket.onclose = () => { if (this.socket === socket) this.stop("Talk connection closed."); };
  }

  async capture(sampleRate) {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
    if (!this.socket) { this.release(); return; }   // let go while the browser asked for the microphone
    this.context = new AudioContext({ sampleRate, latencyHint: "interactive" });
    await this.context.audioWorklet.addModule("mic-worklet.js");
    const node = new AudioWorkletNode(this.context, "mooddj-mic", {
      numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: "explicit",
      processorOptions: { chunk: Math.round(sampleRate / 50) },
    });
    node.port.onmessage = (event) => {
      if (this.socket?.readyState === WebSocket.OPEN) { this.socket.send(event.data); this.bytes += event.data.byteLength; }
    };
    this.context.createMediaStreamSource(this.stream).connect(node);
    node.connect(this.context.destination);   // it writes silence; connected so the graph runs it
    await this.context.resume();
    this.onState("On air: the music is ducked under your voice.");
  }

  stop(message) {
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.release();
    this.onState(message);
  }

  release() {
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.context?.close();
    this.context = null;
  }
}
