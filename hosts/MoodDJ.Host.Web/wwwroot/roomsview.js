// How rooms.js draws what the station sends: the room list, the members here and each chat line.
// Text always goes in as text (never as HTML), whoever wrote it.
const $ = (id) => document.getElementById(id);

/** The room list; each room's button joins it (its label names the room). */
export function showRooms(rooms, current, join) {
  const items = rooms.map((r) => {
    const li = document.createElement("li");
    li.dataset.room = r.name;
    if (r.name === current) li.setAttribute("aria-current", "true");
    const label = document.createElement("span");
    label.append(r.name, " ");
    const meta = document.createElement("span");
    meta.className = "room-meta";
    meta.textContent = `· ${r.online} online · ${r.listeners} listening · ${r.allowVisitors ? "visitors welcome" : "members only"} · owner ${r.owner}`;
    label.append(meta);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = r.name === current ? "You are here" : "Join";
    button.disabled = r.name === current;
    button.setAttribute("aria-label", r.name === current ? `You are here: ${r.name}` : `Join ${r.name}`);
    button.addEventListener("click", () => join(r.name));
    li.append(label, button);
    return li;
  });
  if (!items.length) { const li = document.createElement("li"); li.textContent = "No rooms yet; create one."; items.push(li); }
  $("room-list").replaceChildren(...items);
}

/** Those in the room the others may see (the station leaves out invisible ones), with role and status. */
export function showMembers(online) {
  const items = online.map((p) => {
    const li = document.createElement("li");
    li.dataset.name = p.name;
    li.dataset.status = p.status;
    li.textContent = `${p.name} (${p.role}, ${p.status})`;
    return li;
  });
  if (!items.length) { const li = document.createElement("li"); li.textContent = "Nobody else is here."; items.push(li); }
  $("members").replaceChildren(...items);
}

/** The room's messages by id: each shown once, in id order (Snowflakes sort by time). */
export class ChatLog {
  constructor() { this.lines = new Map(); }

  get size() { return this.lines.size; }

  clear() {
    this.lines.clear();
    $("chat-log").replaceChildren();
  }

  /** Adds a message unless it is shown already; a mention of <user> is highlighted. Keeps the view at the bottom if it was there. */
  add(m, user, keepScroll = false) {
    if (this.lines.has(m.id)) return;
    const scroll = $("chat-scroll");
    const atBottom = scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 8;
    const li = document.createElement("li");
    li.dataset.id = m.id;
    li.dataset.kind = m.kind;
    const time = document.createElement("time");
    time.dateTime = m.at;
    time.textContent = new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    li.append(time);
    if (m.kind !== "text") {
      li.className = "notice";
      li.append(m.text);
    } else {
      const author = document.createElement("strong");
      author.textContent = `${m.author}: `;
      li.append(author, m.text);
      if (user && m.mentions?.some((u) => u.toLowerCase() === user.toLowerCase())) {
        li.classList.add("mention");
        const note = document.createElement("span");
        note.className = "visually-hidden";
        note.textContent = " (mentions you)";
        li.append(note);
      }
    }
    // Ids are 64-bit, too big for a Number: compared as BigInt.
    const id = BigInt(m.id);
    let next = null;
    for (const [otherId, other] of this.lines) if (BigInt(otherId) > id && (!next || BigInt(next.dataset.id) > BigInt(otherId))) next = other;
    $("chat-log").insertBefore(li, next);
    this.lines.set(m.id, li);
    if (!keepScroll && atBottom) scroll.scrollTop = scroll.scrollHeight;
  }
}
