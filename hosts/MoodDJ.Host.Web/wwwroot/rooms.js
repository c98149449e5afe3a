// Rooms, accounts and chat on the page (docs/web.md, "Rooms and chat"). Every action is a
// {type: "room", op, req, ...} message on the page's WebSocket; the host answers with a roomReply
// of the same req. The login token lives in sessionStorage (never the password); messages written
// while the socket is down wait in a localStorage outbox and go out in order, each with the nonce
// it got when written, so a resend after a lost answer is dropped by the server as a repeat
// (the rules of the console client's Outbox/ChatOutbox.cs). A little over 300 lines: accounts, rooms,
// history and the outbox share one request path and one state; the drawing is in roomsview.js.
import { Outbox } from "./outbox.js";
import { ChatLog, showMembers, showRooms } from "./roomsview.js";

const $ = (id) => document.getElementById(id);
const PAGE = 25;                 // messages per history page
const RATE_LIMITED = -32011;
// Refusals that pass (log in again, the database comes back): the outbox keeps the message and stops.
const KEEP = new Set([-32001 /* unauthorized */, -32004 /* unavailable */, -32010 /* forbidden */]);
const MAX_BYTES = 16 * 1024 - 256;   // the host takes page messages under 16 KiB
const keys = { token: "mooddj.token", user: "mooddj.user", room: "mooddj.room" };

export class Rooms {
  constructor({ send, isOpen, onRoomChanged }) {
    this.send = send;
    this.isOpen = isOpen;
    this.onRoomChanged = onRoomChanged;
    this.outbox = new Outbox(localStorage, "mooddj.outbox");
    this.pending = new Map();
    this.nextReq = 0;
    this.user = sessionStorage.getItem(keys.user);
    this.room = null;
    this.before = null;
    this.log = new ChatLog();    // a message met twice (history, live, own reply) appears once
    this.flushing = false;
    this.ready = false;          // logged in (or a visitor) again after the socket opened
    this.wire();
    this.showAccount();
    this.showOutbox();
  }

  // ---- requests ----

  call(op, params = {}) {
    if (!this.isOpen()) return Promise.reject({ offline: true, message: "Not connected to the host." });
    if (new TextEncoder().encode(JSON.stringify(params)).length > MAX_BYTES)
      return Promise.reject({ message: `That is too long to send (the page sends at most ${MAX_BYTES} bytes at once).` });
    const req = ++this.nextReq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(req); reject({ offline: true, message: `'${op}' got no answer.` }); }, 20000);
      this.pending.set(req, { resolve, reject, timer });
      this.send({ type: "room", op, req, ...params });
    });
  }

  handle(message) {
    switch (message.type) {
      case "roomReply": {
        const waiting = this.pending.get(message.req);
        if (!waiting) return;
        this.pending.delete(message.req);
        clearTimeout(waiting.timer);
        if (message.ok) waiting.resolve(message.result); else waiting.reject(message.error ?? { message: "refused" });
        break;
      }
      case "roomMessage":
        if (message.message.room === this.room) this.addMessage(message.message);
        if (message.message.kind !== "text") this.refreshWho();
        break;
      case "roomHistoryGrew":
        // A catch-up stored many messages at once, anywhere in the room's order: start again from the latest page.
        if (message.grew.room === this.room) this.reloadHistory(message.grew.added);
        break;
      case "roomPresence":
        if (message.presence.room === this.room) this.refreshWho();
        break;
      case "roomLink":
        // The page's own session to the station came back (its login and room were replayed): send what waited.
        if (message.state === "Connected" && this.ready) { this.rejoinHistory(); this.flush(); }
        break;
    }
  }

  /** The page's socket opened (first time or again): log in with the kept token, rejoin the room, send the outbox. */
  async connected() {
    this.ready = false;
    const token = sessionStorage.getItem(keys.token);
    try {
      if (token) {
        try {
          const login = await this.call("login", { token });
          this.setUser(login.user, token);
        } catch (e) {
          if (e.offline) return;
          this.setUser(null, null);
          this.error(`Your session ended (${e.message}); log in again.`);
        }
      }
      const room = sessionStorage.getItem(keys.room);
      if (room) await this.join(room, true);
      this.ready = true;
      await this.list();
      this.flush();
    } catch (e) {
      if (!e.offline) this.error(e.message);
    }
  }

  disconnected() {
    this.ready = false;
    for (const [req, waiting] of this.pending) { clearTimeout(waiting.timer); waiting.reject({ offline: true, message: "The connection to the host closed." }); }
    this.pending.clear();
  }

  // ---- accounts ----

  async login(register) {
    const user = $("account-user").value.trim();
    const passwordBox = $("account-password");
    const password = passwordBox.value;
    if (!user || !password) { this.error("Type a user name and a password."); return; }
    try {
      this.status(register ? "Registering…" : "Logging in…");
      if (register) await this.call("register", { user, password });
      const login = await this.call("login", { user, password });
      passwordBox.value = "";
      this.setUser(login.user, login.token);
      this.status(register ? `Registered and signed in as ${login.user}.` : `Signed in as ${login.user}.`);
      this.error("");
      if (this.room) await this.join(this.room, true);   // as a member now, not a visitor
      this.flush();
    } catch (e) {
      this.status("");
      this.error(e.message);
    }
  }

  async logout() {
    try { await this.call("logout"); } catch (e) { if (!e.offline) this.error(e.message); }
    this.setUser(null, null);
    this.setRoom(null);
    this.status("Logged out.");
    this.list();
  }

  setUser(user, token) {
    this.user = user;
    if (user) { sessionStorage.setItem(keys.user, user); sessionStorage.setItem(keys.token, token); }
    else { sessionStorage.removeItem(keys.user); sessionStorage.removeItem(keys.token); $("presence").value = "online"; }
    this.showAccount();
    this.showOutbox();
  }

  showAccount() {
    $("account-out").hidden = !!this.user;
    $("account-in").hidden = !this.user;
    $("account-name").textContent = this.user ?? "";
  }

  // ---- rooms ----

  async list() {
    try {
      const result = await this.call("list");
      showRooms(result.rooms, this.room, (name) => this.join(name));
    } catch (e) {
      if (!e.offline) this.error(e.message);
    }
  }

  async create() {
    const name = $("create-name").value.trim();
    if (!name) return;
    try {
      const room = await this.call("create", { name, allowVisitors: $("create-visitors").checked });
      $("create-name").value = "";
      this.status(`Created ${room.name}.`);
      this.error("");
      await this.join(room.name);
    } catch (e) {
      this.error(e.message);
    }
  }

  async join(name, again = false) {
    try {
      if (this.room && this.room !== name) await this.leave(true);
      const joined = await this.call("join", { room: name });
      const fresh = this.room !== joined.room.name;
      this.setRoom(joined.room.name, joined.role);
      showMembers(joined.online);
      if (fresh) { this.log.clear(); this.before = null; }
      await this.history(!fresh);
      if (!again) { this.status(`You are in ${joined.room.name} as ${joined.role}.`); this.error(""); this.list(); }
    } catch (e) {
      if (e.offline) throw e;
      if (again) this.setRoom(null);
      this.error(e.message);
    }
  }

  async leave(quiet = false) {
    const room = this.room;
    if (!room) return;
    try { await this.call("leave", { room }); } catch (e) { if (!e.offline) this.error(e.message); }
    this.setRoom(null);
    if (!quiet) { this.status(`You left ${room}.`); this.list(); }
  }

  setRoom(room, role) {
    this.room = room;
    if (room) sessionStorage.setItem(keys.room, room); else sessionStorage.removeItem(keys.room);
    $("chat-empty").hidden = !!room;
    $("chat-room").hidden = !room;
    $("chat-room-name").textContent = room ?? "";
    $("chat-role").textContent = role ? `(your role: ${role})` : "";
    if (!room) { this.log.clear(); $("members").replaceChildren(); }
    this.onRoomChanged(room);
  }

  refreshWho() {
    clearTimeout(this.whoTimer);
    this.whoTimer = setTimeout(async () => {
      if (!this.room) return;
      try { showMembers((await this.call("who", { room: this.room })).online); } catch { /* the next notice refreshes it */ }
    }, 150);
  }

  // ---- chat ----

  addMessage(m, keepScroll = false) { this.log.add(m, this.user, keepScroll); }

  /** The newest page (newer: after a reconnect, only fills the gap) or, with older, the page before the oldest shown. */
  async history(newer = false, older = false) {
    const room = this.room;
    const page = await this.call("history", older ? { room, before: this.before, limit: PAGE } : { room, limit: PAGE });
    if (room !== this.room) return;
    for (const m of page.messages) this.addMessage(m, older);
    if (older || !newer || this.before === null) this.before = page.before ?? null;
    const button = $("older");
    button.hidden = !this.before;
  }

  /** After a roomHistoryGrew: the latest page afresh, so "load older" pages back through the catch-up too. */
  async reloadHistory(added) {
    this.log.clear();
    this.before = null;
    try {
      await this.history();
      this.status(`History grew by ${added} message${added === 1 ? "" : "s"}; showing the latest.`);
    } catch (e) { if (!e.offline) this.error(e.message); }
  }

  async rejoinHistory() {
    if (this.room) try { await this.history(true); } catch { /* shown on the next action */ }
  }

  async loadOlder() {
    try { await this.history(false, true); } catch (e) { this.error(e.message); }
  }

  /** Sends now when it can; otherwise (or when the answer was lost) keeps the message in the outbox with its nonce. */
  async say(text) {
    const room = this.room;
    if (!room || !text) return;
    const entry = this.outbox.entry(room, text, this.user);
    if (!this.user) {
      // A visitor's message is refused by the station anyway: say why now rather than queue it.
      try { this.addMessage((await this.call("say", entry)).message); } catch (e) { this.error(e.message); }
      return;
    }
    if (this.isOpen() && this.ready && this.outbox.countFor(this.user) === 0) {
      try {
        this.addMessage((await this.call("say", entry)).message);
        this.error("");
        return;
      } catch (e) {
        if (!e.offline) { this.error(e.message); return; }   // refused (visitor, too long, rate limit): not queued
      }
    }
    this.outbox.add(entry);
    this.showOutbox();
    this.flush();
  }

  /** Oldest first, each only after the one before was answered; stops at the first failure (ChatOutbox.FlushAsync's rule). */
  async flush() {
    if (this.flushing || !this.ready || !this.user || this.outbox.countFor(this.user) === 0 || !this.isOpen()) return;
    this.flushing = true;
    try {
      let next;
      const user = this.user;
      while (this.user === user && (next = this.outbox.peek(user)) && this.isOpen()) {
        try {
          const result = await this.call("say", next);
          if (result.message.room === this.room) this.addMessage(result.message);
          this.outbox.remove(next.nonce);
        } catch (e) {
          if (e.offline) break;
          if (KEEP.has(e.code)) { this.error(`${this.outbox.countFor(user)} message(s) wait: ${e.message}`); break; }
          if (e.code === RATE_LIMITED) { await new Promise((r) => setTimeout(r, Math.max(250, e.retryAfterMs ?? 1000))); continue; }
          // Refused for good (a room left or gone, too long): keeping it would stop every message after it.
          this.outbox.remove(next.nonce);
          this.error(`Not sent ("${next.text.slice(0, 40)}"): ${e.message}`);
        }
        this.showOutbox();
      }
    } finally {
      this.flushing = false;
      this.showOutbox();
    }
  }

  showOutbox() {
    const n = this.user ? this.outbox.countFor(this.user) : 0;
    $("outbox-state").textContent = n ? `${n} message${n === 1 ? "" : "s"} waiting to send (kept on this device; sent when the connection is back).` : "";
  }

  // ---- the page ----

  status(text) { $("rooms-status").textContent = text; }

  error(text) { $("rooms-error").textContent = text ?? ""; }

  wire() {
    $("account-form").addEventListener("submit", (e) => { e.preventDefault(); this.login(false); });
    $("register").addEventListener("click", () => this.login(true));
    $("logout").addEventListener("click", () => this.logout());
    $("presence").addEventListener("change", async (e) => {
      try { const r = await this.call("presence", { status: e.target.value }); this.status(`Your status: ${e.target.value} (others see ${r.status}).`); }
      catch (err) { this.error(err.message); }
    });
    $("create-form").addEventListener("submit", (e) => { e.preventDefault(); this.create(); });
    $("leave").addEventListener("click", () => this.leave());
    $("older").addEventListener("click", () => this.loadOlder());
    $("say-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const box = $("say-text");
      const text = box.value.trim();
      box.value = "";   // cleared at once: a second click sends nothing twice
      this.say(text);
    });
    // Counts and presence in the list change as people come and go.
    setInterval(() => { if (this.ready && this.isOpen() && document.visibilityState === "visible") this.list(); }, 5000);
  }
}
