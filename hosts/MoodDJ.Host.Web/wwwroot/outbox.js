// The page's chat outbox: what its user wrote while the host (or the station) could not be reached,
// kept in localStorage so a reload keeps it. The rules of the console client's ChatOutbox.cs: each
// entry gets its client id (nonce) once, when written, and keeps it across every retry; it leaves
// the outbox only after the server answered for it; entries go oldest first. writtenAt lets the
// server sort a late message where it was written. Tabs share localStorage but not their logins, so
// each entry names its writer and only a page logged in as that user sends it.
export class Outbox {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
  }

  read() {
    try {
      const entries = JSON.parse(this.storage.getItem(this.key) ?? "[]");
      return Array.isArray(entries) ? entries.filter((e) => e && typeof e.room === "string" && typeof e.text === "string" && typeof e.nonce === "string") : [];
    } catch {
      return [];   // a damaged value: nothing there was ever shown as queued
    }
  }

  write(entries) { this.storage.setItem(this.key, JSON.stringify(entries)); }

  /** Every entry, whoever wrote it. */
  get count() { return this.read().length; }

  countFor(user) { return this.read().filter((e) => e.user === user).length; }

  /** A new message with its client id (not yet queued). */
  entry(room, text, user) {
    const nonce = "web-" + (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`);
    return { room, text, nonce, user };
  }

  /** Queues a message (the same nonce if a send of it may have arrived); it is stored when this returns. */
  add(entry) {
    const entries = this.read();
    if (entries.some((e) => e.nonce === entry.nonce)) return;
    entries.push({ ...entry, writtenAt: entry.writtenAt ?? new Date().toISOString() });
    this.write(entries);
  }

  /** The oldest entry that user wrote. */
  peek(user) { return this.read().find((e) => e.user === user) ?? null; }

  remove(nonce) { this.write(this.read().filter((e) => e.nonce !== nonce)); }
}
