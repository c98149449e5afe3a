// The page: one WebSocket to the host (/ws) for control and live state, reconnecting with backoff.
// Messages are described in docs/web.md. Browser listening lives in audio.js, talking in talk.js,
// rooms and chat in rooms.js.
import { BrowserAudio } from "./audio.js";
import { BrowserTalk } from "./talk.js";
import { Rooms } from "./rooms.js";

const $ = (id) => document.getElementById(id);
const state = { socket: null, backoff: 500, nowPlaying: null, nowAt: 0, point: { valence: 0, arousal: 0 }, discovery: false, stream: false };
const audio = new BrowserAudio({
  onLevel: (level) => { $("level").value = level; },
  onState: (text) => { $("audio-state").textContent = text; },
  onLatency: (ms, how) => { $("latency").textContent = `Pump to output: ${Math.round(ms)} ms (${how})`; },
});
const talk = new BrowserTalk({
  onState: (text) => {
    $("talk-state").textContent = text;
    $("talk").setAttribute("aria-pressed", String(talk.talking));
    $("talk").textContent = talk.talking ? "Stop talking" : "Talk over the music";
  },
});
const rooms = new Rooms({
  send: (message) => send(message),
  isOpen: () => state.socket?.readyState === WebSocket.OPEN,
  onRoomChanged: (room) => {
    $("now-where").textContent = room ? `in room ${room}` : "";
    audio.switchStation();
  },
});
window.mooddj = { audio, state, talk, rooms };

function connect() {
  setConnection(state.backoff > 500 ? "reconnecting" : "connecting", state.backoff > 500 ? "Reconnecting…" : "Connecting…");
  const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  state.socket = socket;
  socket.onopen = () => { state.backoff = 500; setConnection("open", "Connected"); };
  socket.onmessage = (event) => { try { handle(JSON.parse(event.data)); } catch (e) { showError(`Bad message from the host: ${e.message}`); } };
  socket.onclose = () => {
    if (state.socket !== socket) return;
    const wait = state.backoff;
    state.backoff = Math.min(state.backoff * 2, 5000);
    setConnection("reconnecting", `Disconnected — reconnecting in ${(wait / 1000).toFixed(1)} s`);
    rooms.disconnected();
    setTimeout(connect, wait);
  };
}

function send(message) {
  if (state.socket?.readyState === WebSocket.OPEN) { state.socket.send(JSON.stringify(message)); return true; }
  showError("Not connected to the host; the page will reconnect by itself.");
  return false;
}

function setConnection(kind, text) {
  const el = $("connection");
  el.dataset.state = kind;
  el.textContent = text;
}

function handle(message) {
  // In a room the music shown is the room station's (scope "room"); the house station's waits until the page leaves.
  if (["nowPlaying", "list", "reading"].includes(message.type) && (message.scope === "room") !== !!rooms.room) return;
  switch (message.type) {
    case "welcome":
      if (!rooms.room) {
        showNowPlaying(message.nowPlaying);
        if (message.list) showList(message.list);
        if (message.reading) showReading(message.reading);
      }
      rooms.connected();
      $("connection").title = `${message.where} · ${message.codec ?? ""} ${message.sampleRate ?? ""} Hz`;
      audio.page = message.page;
      audio.reconnectIfPlaying();
      break;
    case "nowPlaying": showNowPlaying(message.nowPlaying); break;
    case "list": showList(message.list); break;
    case "reading": showReading(message.reading); break;
    case "panel": showPanel(message); break;
    case "error": showError(message.message); break;
    case "roomReply": case "roomMessage": case "roomHistoryGrew": case "roomPresence": case "roomLink": rooms.handle(message); break;
  }
}

function showReading(reading) {
  const mood = reading?.mood;
  $("reading-label").textContent = mood?.label ?? "—";
  $("reading-evidence").textContent = mood?.evidence?.length ? mood.evidence.map((e) => e.text).join(", ") : "none";
  $("reading-values").textContent = mood ? `valence ${mood.valence.toFixed(2)}, arousal ${mood.arousal.toFixed(2)}, confidence ${mood.confidence.toFixed(2)}` : "";
  if (mood) placeDot(mood.valence, mood.arousal);
  showError("");
}

function placeDot(valence, arousal) {
  const dot = $("plane-dot");
  dot.hidden = false;
  dot.style.left = `${(valence + 1) * 50}%`;
  dot.style.top = `${(1 - arousal) * 50}%`;
  state.point = { valence, arousal };
}

function showNowPlaying(now) {
  state.nowPlaying = now;
  state.nowAt = performance.now();
  const track = now?.track;
  $("now-title-text").textContent = track ? (track.artist ? `${track.title} — ${track.artist}` : track.title) : "Nothing yet";
  $("now-source").textContent = track ? `Source: ${track.source}${now.paused ? " · paused" : ""}` : "";
  $("progress").max = Math.max(1, Math.round(track?.durationSeconds ?? 1));
  if (now?.mood) placeDot(now.mood.valence, now.mood.arousal);
  tick();
}

function position() {
  const now = state.nowPlaying;
  if (!now || now.positionSeconds == null) return 0;
  return now.paused ? now.positionSeconds : now.positionSeconds + (performance.now() - state.nowAt) / 1000;
}

const clock = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

function tick() {
  const progress = $("progress");
  if (document.activeElement === progress) return;
  const at = Math.min(position(), Number(progress.max));
  progress.value = at;
  const duration = state.nowPlaying?.track?.durationSeconds;
  const text = duration ? `${clock(at)} / ${clock(duration)}` : clock(at);
  $("now-time").textContent = text;
  progress.setAttribute("aria-valuetext", text);
}

function showList(list) {
  fillTracks($("queue"), list.queue, "The queue is empty.");
  fillTracks($("history"), [...(list.history ?? [])].reverse(), "Nothing played yet.");
}

function fillTracks(el, tracks, empty) {
  el.replaceChildren(...(tracks?.length ? tracks : [null]).map((t) => {
    const li = document.createElement("li");
    li.textContent = t ? `${t.title}${t.artist ? " — " + t.artist : ""} (${t.source})` : empty;
    return li;
  }));
}

function showPanel(panel) {
  const station = panel.station;
  if (state.socket?.readyState === WebSocket.OPEN) {
    setConnection(station.state === "Connected" ? "open" : "reconnecting",
      station.state === "Connected" ? `Connected · station ${station.where}` : `Host up · station ${station.state}${station.error ? ": " + station.error : ""}`);
  }
  const rows = panel.listeners.map((l) => {
    const tr = document.createElement("tr");
    for (const value of [l.name, l.address, l.lossPercent == null ? "—" : `${l.lossPercent.toFixed(1)} %`, l.bufferedMs == null ? "—" : `${l.bufferedMs} ms`]) {
      const td = document.createElement("td");
      td.textContent = value;
      tr.append(td);
    }
    return tr;
  });
  if (!rows.length) { const tr = document.createElement("tr"); const td = document.createElement("td"); td.colSpan = 4; td.textContent = "Nobody is listening."; tr.append(td); rows.push(tr); }
  $("listeners").replaceChildren(...rows);
  // A switch the user just flipped keeps its new state until the host reports that state (or 5 s pass),
  // so a panel sent before the host acted cannot flip it back under the user's finger.
  if (state.speakersWanted === undefined || state.speakersWanted === panel.speakers.on || Date.now() > state.speakersUntil) {
    state.speakersWanted = undefined;
    $("speakers").checked = panel.speakers.on;
  }
  $("speakers-output").textContent = `output plugin: ${panel.speakers.output}`;
  $("speakers-error").textContent = panel.speakers.error ?? "";
  showPeers(panel.peers);
}

function showPeers(peers) {
  state.discovery = peers.discovery;
  state.stream = peers.streaming;
  $("discovery").setAttribute("aria-pressed", String(peers.discovery));
  $("discovery").textContent = peers.discovery ? "Disable P2P discovery" : "Enable P2P discovery";
  $("p2p-stream").setAttribute("aria-pressed", String(peers.streaming));
  $("p2p-stream").textContent = peers.streaming ? "Stop P2P stream" : "Start P2P stream";
  const mesh = peers.mesh;
  const found = mesh ? `${peers.peers.length} peer(s) · ${mesh.directPeers}/${mesh.maxDirectPeers} fed by the station · egress ${mesh.egressKilobitsPerSecond} kbit/s (${mesh.egressPacketsPerSecond} packets/s)` : "Looking for peers…";
  $("p2p-state").textContent = peers.why ?? (peers.discovery ? found : "Discovery is off.");
  const list = peers.peers.map((p) => {
    const li = document.createElement("li");
    li.dataset.peerId = p.id;
    const self = p.id === peers.self ? " (this host)" : "";
    li.textContent = `${p.name ?? p.id}${self} · #${p.id} at ${p.address} · hops ${p.hops} · parents ${p.parentIds.join(", ") || "none"} · children ${p.children}` +
      ` · continuity ${percent(p.continuity)} · loss ${p.lossPercent} % · forged ${p.forged}`;
    return li;
  });
  if (peers.discovery && !list.length) { const li = document.createElement("li"); li.textContent = "No mesh peers yet."; list.push(li); }
  $("peers").replaceChildren(...list);
  const relay = $("p2p-relay");
  relay.dataset.hops = peers.streaming ? String(peers.hops ?? "") : "";
  relay.dataset.continuity = peers.streaming ? String(peers.continuity ?? "") : "";
  const ids = (list) => list.map((p) => p.id === "station" ? "the station" : `#${p.id}`).join(", ") || "none";
  relay.textContent = peers.streaming
    ? `peer #${peers.self ?? "?"} · parents: ${ids(peers.parents)} · children: ${ids(peers.children)} · hops ${peers.hops ?? "?"} · loss ${peers.lossPercent ?? "?"} % · continuity ${percent(peers.continuity)}`
    : "—";
}

function percent(fraction) {
  return fraction == null ? "?" : `${(100 * fraction).toFixed(1)} %`;
}

let errorTimer = 0;
function showError(text) {
  $("errors").textContent = text;
  clearTimeout(errorTimer);
  if (text) errorTimer = setTimeout(() => { $("errors").textContent = ""; }, 8000);
}

$("mood-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("mood-text").value.trim();
  if (text) send({ type: "prompt", text });
});
$("plane").addEventListener("click", (event) => {
  const plane = $("plane");
  let { valence, arousal } = state.point;
  if (event.detail !== 0) { // a pointer click; Enter/Space (detail 0) sends the point set with the arrow keys
    const box = plane.getBoundingClientRect();
    valence = ((event.clientX - box.left) / box.width) * 2 - 1;
    arousal = 1 - ((event.clientY - box.top) / box.height) * 2;
  }
  placeDot(valence, arousal);
  send({ type: "point", valence, arousal });
});
$("plane").addEventListener("keydown", (event) => {
  const step = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] }[event.key];
  if (!step) return;
  event.preventDefault();
  const clamp = (v) => Math.max(-1, Math.min(1, v));
  placeDot(clamp(state.point.valence + step[0]), clamp(state.point.arousal + step[1]));
});
$("skip").addEventListener("click", () => send({ type: "skip" }));
$("pause").addEventListener("click", () => send({ type: "pause" }));
$("resume").addEventListener("click", () => send({ type: "resume" }));
$("progress").addEventListener("change", (event) => send({ type: "seek", position: Number(event.target.value) }));
$("speakers").addEventListener("change", (event) => {
  state.speakersWanted = event.target.checked;
  state.speakersUntil = Date.now() + 5000;
  send({ type: "speakers", on: event.target.checked });
});
$("discovery").addEventListener("click", () => send({ type: "discovery", on: !state.discovery }));
$("p2p-stream").addEventListener("click", () => send({ type: "p2pStream", on: !state.stream }));
$("volume").addEventListener("input", (event) => audio.setVolume(Number(event.target.value) / 100));
$("play").addEventListener("click", async () => {
  const playing = await audio.toggle(Number($("volume").value) / 100);
  $("play").setAttribute("aria-pressed", String(playing));
  $("play").textContent = playing ? "Stop playing here" : "Play in this browser";
});
$("talk").addEventListener("click", () => talk.toggle());
setInterval(tick, 500);
connect();
