// The sinkscribe page: server-sent events from the bridge (pipeline/web.py), plain DOM, no libraries.
// The transcript in the DOM is one contiguous run of lines [lo..hi], at most MAX_LINES: new lines drop the
// oldest; scrolling up loads older ones from the session store (and drops the newest, leaving "live").
// Following a service (`serve --web`, `web --connect`) the page follows one of its streams at a time: the
// stream picker (and the URL's ?stream=NAME, so a link opens on that stream) chooses which.
"use strict";

const MAX_LINES = 500;
const PAGE = 100;
const $ = (id) => document.getElementById(id);
const transcript = $("transcript");

const page = {
  view: "",          // "" = live; else the stored session shown
  live: null,        // the live state: session, source, ended, ... (from the bridge)
  session: "",       // the session whose lines are in the DOM
  latest: -1,        // the newest line of that session known to exist
  items: null,       // the notes' items shown, for what changed
  answers: new Set(),
  loading: false,
  events: null,
  retry: 1000,
  service: false,    // the bridge follows a service: many streams, one followed here
  stream: new URLSearchParams(location.search).get("stream") || "",  // the stream followed ("" = none yet)
  shown: null,       // the stream whose state is on the page
};

function clock(seconds) {
  const tenths = Math.round(Math.max(0, seconds) * 10);
  const total = Math.floor(tenths / 10), h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60);
  const s = `${String(total % 60).padStart(2, "0")}.${tenths % 10}`;
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${String(m).padStart(2, "0")}:${s}`;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function api(path) {
  return `api/sessions/${encodeURIComponent(page.view || page.session)}${path}`;
}

// -- transcript -----------------------------------------------------------------------------------------
function lineNode(line) {
  const time = el("a", { class: "time", href: `#seg-${line.seq}`, text: clock(line.start),
                         "aria-label": `line at ${clock(line.start)}` });
  const node = el("p", { class: "line", id: `seg-${line.seq}`, "data-seq": line.seq, tabindex: "-1" }, time);
  if (line.speaker) node.append(el("span", { class: "speaker", text: `${line.speaker}:` }));
  node.append(document.createTextNode(line.text));
  return node;
}

function relabelNode(node, speaker) {
  let label = node.querySelector(".speaker");
  if (!label) {
    label = el("span", { class: "speaker" });
    node.querySelector(".time").after(label);
  }
  label.textContent = `${speaker}:`;
  node.classList.add("relabelled");
  node.title = "speaker corrected after the line was first shown";
}

function bounds() {
  const first = transcript.firstElementChild, last = transcript.lastElementChild;
  return first ? [Number(first.dataset.seq), Number(last.dataset.seq)] : [null, null];
}

function atBottom() {
  return transcript.scrollHeight - transcript.scrollTop - transcript.clientHeight < 40;
}

function atTail() {
  const [, hi] = bounds();
  return hi === null || hi >= page.latest;
}

function trimTop() {
  if (transcript.childElementCount <= MAX_LINES) return 0;
  const height = transcript.scrollHeight; // one layout for the whole trim, not one per line
  while (transcript.childElementCount > MAX_LINES) transcript.firstElementChild.remove();
  return height - transcript.scrollHeight;
}

function trimBottom() {
  while (transcript.childElementCount > MAX_LINES) transcript.lastElementChild.remove();
}

function setLines(lines, latest) {
  transcript.replaceChildren(...lines.slice(-MAX_LINES).map(lineNode));
  page.latest = Math.max(latest ?? -1, lines.length ? lines[lines.length - 1].seq : -1);
  updateJump();
}

const pending = []; // live lines not yet in the DOM

function appendLines(lines) {
  if (!lines.length) return;
  const follow = atBottom();
  for (const line of lines) {
    page.latest = Math.max(page.latest, line.seq);
    const [, hi] = bounds();
    if (hi !== null && line.seq <= hi) continue;
    if (hi !== null && line.seq !== hi + 1) { updateJump(); continue; } // not contiguous: we are not at the tail
    transcript.append(lineNode(line));
  }
  const removed = trimTop();
  if (follow) transcript.scrollTop = transcript.scrollHeight;
  else if (removed) transcript.scrollTop -= removed;
  updateJump();
}

function updateJump() {
  const behind = !atTail();
  $("jump-live").hidden = !behind;
  $("jump-live").textContent = behind ? `Jump to the newest line (${page.latest - bounds()[1]} newer)` : "";
}

async function fetchLines(query) {
  const response = await fetch(api(`/lines?${query}`));
  if (!response.ok) throw new Error((await response.json()).error || response.statusText);
  return (await response.json()).lines;
}

async function loadOlder() {
  const [lo] = bounds();
  if (page.loading || lo === null || lo <= 0) return;
  page.loading = true;
  $("older").textContent = "loading older lines…";
  try {
    const lines = await fetchLines(`before=${lo}&limit=${PAGE}`);
    const height = transcript.scrollHeight;
    transcript.prepend(...lines.map(lineNode));
    transcript.scrollTop += transcript.scrollHeight - height;
    trimBottom();
    $("older").textContent = lines.length && lines[0].seq === 0 ? "the start of the session" : "";
  } catch (err) {
    $("older").textContent = `older lines are not available: ${err.message}`;
  } finally {
    page.loading = false;
    updateJump();
  }
}

async function loadNewer() {
  const [, hi] = bounds();
  if (page.loading || hi === null || atTail()) return;
  page.loading = true;
  try {
    const lines = await fetchLines(`after=${hi}&limit=${PAGE}`);
    const top = transcript.scrollTop;
    transcript.append(...lines.map(lineNode));
    transcript.scrollTop = top - trimTop();
  } catch (err) {
    $("older").textContent = `newer lines are not available: ${err.message}`;
  } finally {
    page.loading = false;
    updateJump();
  }
}

async function jumpToLive() {
  const lines = await fetchLines(`before=${page.latest + 1}&limit=${PAGE * 2}`).catch(() => []);
  setLines(lines, page.latest);
  transcript.scrollTop = transcript.scrollHeight;
  $("older").textContent = "";
}

async function goToLine(seq, session) {
  if (session && page.session && session !== page.session) {
    $("older").textContent = `that line is in session ${session}`;
    return;
  }
  let node = document.getElementById(`seg-${seq}`);
  if (!node) {
    try {
      setLines(await fetchLines(`around=${seq}&limit=${PAGE * 2}`), page.latest);
    } catch (err) {
      $("older").textContent = `line ${seq} is not available: ${err.message}`;
      return;
    }
    node = document.getElementById(`seg-${seq}`);
  }
  if (!node) return;
  node.scrollIntoView({ block: "center" });
  node.classList.remove("flash");
  void node.offsetWidth; // restart the highlight
  node.classList.add("flash");
  node.focus({ preventScroll: true });
}

transcript.addEventListener("scroll", () => {
  if (transcript.scrollTop < 60) loadOlder();
  else if (atBottom() && !atTail()) loadNewer();
});

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-seq], a.time");
  if (!link) return;
  event.preventDefault();
  const seq = Number(link.dataset.seq ?? link.closest(".line").dataset.seq);
  goToLine(seq, link.dataset.session);
});

$("jump-live").addEventListener("click", jumpToLive);

// -- notes ------------------------------------------------------------------------------------------------
const SECTIONS = [["decision", "Decisions"], ["action", "Action items"], ["fact", "Key facts"], ["open", "Open questions"]];
// A day-long session gathers a hundred items (4.3 h of replay: 110); each section shows its newest
// NOTES_SHOWN and whatever changed in this update, the older ones folded behind "N earlier".
const NOTES_SHOWN = 12;

function itemKey(item) { return `${item.kind}|${item.text}|${item.owner}|${item.due}`; }

function citeLinks(seqs, starts, session) {
  const span = el("span", { class: "cites" });
  seqs.forEach((seq, i) => {
    span.append(el("a", { class: "cite", href: `#seg-${seq}`, "data-seq": seq, "data-session": session || "",
                          text: `[${clock(starts[i] ?? 0)}]`, "aria-label": `transcript line at ${clock(starts[i] ?? 0)}` }));
  });
  return span;
}

function renderNotes(notes, diff) {
  const box = $("notes");
  if (!notes) {
    box.replaceChildren(el("p", { class: "muted", text: "No notes yet." }));
    $("notes-upto").textContent = "";
    page.items = null;
    return;
  }
  $("notes-upto").textContent = `up to ${clock(notes.upto)}${notes.final ? ", final" : ""}`;
  const items = notes.items || [];
  const hasItems = /^- (?!none$)/m.test(notes.text || "");
  if (!items.length && hasItems) { // a stage from before items: the rendered text
    box.replaceChildren(el("pre", { text: notes.text }));
    page.items = [];
    return;
  }
  const before = diff && page.items ? page.items : null;
  const oldKeys = new Set((before || []).map(itemKey));
  const newKeys = new Set(items.map(itemKey));
  const sameRef = (a, b) => a.kind === b.kind && a.seqs.length && b.seqs.length && a.seqs[0] === b.seqs[0];
  let added = 0, changed = 0, removed = 0;
  const parts = [];
  for (const [kind, title] of SECTIONS) {
    const list = el("ul");
    const older = el("ul");
    const ofKind = items.filter((i) => i.kind === kind);
    ofKind.forEach((item, k) => {
      let mark = "";
      if (before && !oldKeys.has(itemKey(item))) {
        mark = before.some((old) => !newKeys.has(itemKey(old)) && sameRef(old, item)) ? "changed" : "new";
        if (mark === "new") added++; else changed++;
      }
      const li = el("li", { class: mark });
      if (mark) li.append(el("span", { class: "badge", text: mark }));
      const who = kind === "action" ? `${item.owner || "(owner unclear)"}: ` : "";
      const due = item.due ? ` (due ${item.due})` : "";
      li.append(el("span", { class: "item-text", text: `${who}${item.text}${due}` }), citeLinks(item.seqs, item.starts));
      (mark || k >= ofKind.length - NOTES_SHOWN ? list : older).append(li);
    });
    for (const old of (before || []).filter((o) => o.kind === kind && !newKeys.has(itemKey(o)))) {
      if (items.some((i) => sameRef(old, i) && !oldKeys.has(itemKey(i)))) continue; // shown as changed
      removed++;
      list.append(el("li", { class: "removed" }, el("span", { class: "badge", text: "removed" }),
                     el("span", { class: "item-text", text: old.text })));
    }
    if (!list.childElementCount && !older.childElementCount) list.append(el("li", { class: "muted", text: "none" }));
    parts.push(el("h3", { text: title }));
    if (older.childElementCount) {
      const n = older.childElementCount;
      parts.push(el("details", { class: "older" }, el("summary", { text: `${n} earlier item${n === 1 ? "" : "s"}` }), older));
    }
    parts.push(list);
  }
  box.replaceChildren(...parts);
  if (before) {
    $("notes-change").textContent = added || changed || removed
      ? `Since the last update: ${added} new, ${changed} changed, ${removed} removed.` : "No change since the last update.";
  }
  page.items = items;
}

// -- answers ------------------------------------------------------------------------------------------------
function renderAnswer(answer, first = false) {
  if (page.answers.has(answer.request_id)) return;
  page.answers.add(answer.request_id);
  const cites = el("ul");
  for (const c of answer.citations) {
    cites.append(el("li", {}, el("a", { class: "cite", href: `#seg-${c.seq}`, "data-seq": c.seq,
                                         "data-session": answer.session || "", text: `[${clock(c.start)}]` }),
                    document.createTextNode(` ${c.text}`)));
  }
  const box = el("div", { class: "qa" }, el("p", { class: "q", text: `Q: ${answer.question}` }),
                 el("p", { class: "a", text: `A: ${answer.text}` }), answer.citations.length ? cites : null);
  if (first) $("answers").prepend(box); else $("answers").prepend(box);
}

$("ask-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("ask-input"), status = $("ask-status"), button = $("ask-button");
  const question = input.value.trim();
  status.className = "muted";
  if (!question) { status.className = "error"; status.textContent = "The question is empty."; return; }
  button.disabled = true;
  status.textContent = "Asking… (the model answers between its other work: seconds to a minute)";
  try {
    const response = await fetch("api/ask", { method: "POST", headers: { "Content-Type": "application/json" },
                                             body: JSON.stringify(page.service ? { question, stream: page.stream } : { question }) });
    const body = await response.json().catch(() => ({ error: response.statusText }));
    if (!response.ok) throw new Error(body.error || response.statusText);
    renderAnswer(body);
    status.textContent = "";
    input.value = "";
  } catch (err) {
    status.className = "error";
    status.textContent = `Not answered: ${err.message}`;
  } finally {
    button.disabled = false;
  }
});

// -- health ----------------------------------------------------------------------------------------------
function renderHealth(h) {
  const rows = [];
  const row = (name, value, bad = false) => rows.push(el("tr", {}, el("th", { scope: "row", text: name }),
                                                         el("td", { class: bad ? "bad" : "", text: value })));
  if (h.waiting_for_snapshot) row("summarize", `waiting for it at ${h.summary_endpoint}`, true);
  for (const [name, s] of Object.entries(h.stages)) {
    row(name, `${s.state === "ok" ? "ok" : "silent"}, heartbeat ${s.age_s} s ago`, s.state !== "ok");
    if (name === "summarize") {
      row("stored lines", `${(s.stored_seq ?? -1) + 1}, notes up to line ${s.summary_upto_seq}`);
      row("model cache", `${s.cache_tokens} / ${s.cache_bound} tokens, ${s.tokens_evicted} evicted`);
      row("summarize memory", `${Math.round((s.rss_bytes || 0) / 1048576)} MiB`);
      row("last notes / answer", `${(s.last_summary_s || 0).toFixed(1)} s / ${(s.last_answer_s || 0).toFixed(1)} s`);
    }
    if (name === "transcribe" && s.audio_seconds !== undefined) {
      row("transcribed", `${s.audio_seconds} s of audio in ${s.asr_seconds} s`);
      row("unconfirmed segments", String(s.unacked));
    }
  }
  if (h.commit_lag_s !== null) row("caption lag", `${h.commit_lag_s} s`, h.commit_lag_s > 10);
  if (h.segments_since_notes !== null) row("lines since the notes", String(h.segments_since_notes));
  if (h.malformed) row("malformed messages", String(h.malformed), true);
  $("health").tBodies[0].replaceChildren(...rows);
  const summarize = h.stages.summarize;
  $("health-short").textContent = h.waiting_for_snapshot ? "— waiting for summarize"
    : summarize ? `— ${summarize.state}${h.commit_lag_s !== null ? `, lag ${h.commit_lag_s} s` : ""}` : "";
}

// -- sessions and exports --------------------------------------------------------------------------------
function setExports(name) {
  for (const link of document.querySelectorAll(".exports a")) {
    if (name) {
      link.href = `api/sessions/${encodeURIComponent(name)}/export?format=${link.dataset.format}`;
      link.removeAttribute("aria-disabled");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }
}

async function refreshSessions() {
  if (page.service) return; // a service's sessions are its streams (the stream picker)
  try {
    const response = await fetch("api/sessions");
    if (!response.ok) return;
    const found = await response.json();
    const picker = $("session-picker");
    const keep = picker.value;
    picker.replaceChildren(el("option", { value: "", text: page.live && page.live.session
      ? `Live: ${page.live.session}` : "Live" }));
    for (const s of found) {
      picker.append(el("option", { value: s.name, text: `${s.name} (${s.source}, ${clock(s.audio_seconds)}, ${s.state})` }));
    }
    picker.value = keep;
  } catch (err) { /* the list comes back with the next state */ }
}

$("session-picker").addEventListener("change", async (event) => {
  const name = event.target.value;
  page.view = name;
  if (!name) { // back to live: the bridge's state again
    const response = await fetch("api/state");
    if (response.ok) onState(await response.json(), true);
    return;
  }
  const response = await fetch(api(""));
  const body = await response.json();
  if (!response.ok) { $("session-info").textContent = body.error; return; }
  page.session = body.session;
  page.items = null;
  page.answers.clear();
  $("answers").replaceChildren();
  renderNotes(body.notes, false);
  $("notes-change").textContent = "";
  for (const a of body.answers) renderAnswer(a);
  setLines(body.lines, body.lines.length ? body.lines[body.lines.length - 1].seq : -1);
  transcript.scrollTop = transcript.scrollHeight;
  $("partial").textContent = "";
  $("session-info").textContent = `${body.source}, ${clock(body.audio_seconds)}, ${body.state} (stored)`;
  $("ask-input").disabled = $("ask-button").disabled = true;
  $("ask-status").textContent = "Questions go to the live session: pick Live to ask.";
  setExports(body.session);
});

// -- the live stream -------------------------------------------------------------------------------------
function describeLive(s) {
  const state = s.ended ? `ended (${s.end_reason || "eof"})` : "live";
  if (s.service && s.error) { $("session-info").textContent = s.error; return; }
  // A service's stream is audio from a client: its name says what it is, a source name rarely exists.
  const what = s.service ? [`stream ${s.stream}`, s.source].filter(Boolean).join(", ") : s.source || "unknown source";
  $("session-info").textContent = s.session ? `${what}, ${state}` : "";
}

// -- a service's streams ----------------------------------------------------------------------------------
function renderStreams(streams) {
  $("stream-box").hidden = false;
  $("session-box").hidden = true; // each stream is its session: the stream picker reaches them
  const picker = $("stream-picker");
  const options = streams.map((s) => el("option", { value: s.name,
    text: `${s.name} (${s.state}${s.state === "failed" ? "" : `, ${s.lines} lines`})` }));
  if (page.stream && !streams.some((s) => s.name === page.stream)) {
    options.unshift(el("option", { value: page.stream, text: `${page.stream} (not on the service now)` }));
  }
  if (!options.length) options.push(el("option", { value: "", text: "no streams yet" }));
  // Rebuilt only when something changed: a rebuild under the keyboard would lose the user's place.
  const key = options.map((o) => `${o.value}|${o.textContent}`).join("\n");
  if (picker.dataset.key !== key) {
    picker.replaceChildren(...options);
    picker.dataset.key = key;
  }
  picker.value = page.stream;
}

function chooseStream(streams) {
  const first = streams.find((s) => s.state === "live") || streams[0];
  if (first) switchStream(first.name, false);
}

function switchStream(name, push) {
  if (name === page.stream && page.events) return;
  page.stream = name;
  const params = new URLSearchParams(location.search);
  params.set("stream", name);
  params.delete("token"); // the cookie carries it: a shared link does not
  const url = `${location.pathname}?${params}`;
  if (push) history.pushState({ stream: name }, "", url); else history.replaceState({ stream: name }, "", url);
  $("stream-picker").value = name;
  if (page.events) page.events.close();
  page.shown = null;
  pending.length = 0;
  connection("connecting…", false);
  connect();
}

$("stream-picker").addEventListener("change", (event) => {
  if (event.target.value) switchStream(event.target.value, true);
});

window.addEventListener("popstate", () => {
  const name = new URLSearchParams(location.search).get("stream") || "";
  if (page.service && name && name !== page.stream) switchStream(name, false);
});

function onState(s, reset = false) {
  page.live = s;
  page.service = s.service;
  renderHealth(s.health);
  if (s.service) {
    renderStreams(s.streams);
    if (!page.stream) { chooseStream(s.streams); return; }
  }
  if (page.view) return; // a stored session is shown: the live one waits
  if (reset || s.session !== page.session || s.stream !== page.shown) {
    page.shown = s.stream;
    page.session = s.session;
    page.items = null;
    page.answers.clear();
    $("answers").replaceChildren();
    setLines(s.lines, -1);
    transcript.scrollTop = transcript.scrollHeight;
    renderNotes(s.notes, false);
    $("notes-change").textContent = "";
    refreshSessions();
  } else { // a reconnect: add what was missed
    const [, hi] = bounds();
    if (hi !== null && s.lines.length && s.lines[0].seq > hi + 1 && atTail()) setLines(s.lines, -1);
    else appendLines(s.lines);
    if (s.notes && JSON.stringify(s.notes.items) !== JSON.stringify(page.items)) renderNotes(s.notes, true);
  }
  $("partial").textContent = s.partial.text;
  $("ask-input").disabled = $("ask-button").disabled = Boolean(s.service && (!page.stream || s.error));
  if ($("ask-status").textContent.startsWith("Questions go to")) $("ask-status").textContent = "";
  describeLive(s);
  setExports(s.stored ? s.session : "");
}

function connection(text, ok) {
  $("conn").textContent = text;
  $("conn").className = `conn ${ok ? "ok" : "bad"}`;
}

function connect() {
  const events = new EventSource(page.stream ? `events?stream=${encodeURIComponent(page.stream)}` : "events");
  page.events = events;
  const on = (name, handle) => events.addEventListener(name, (e) => handle(JSON.parse(e.data)));
  on("state", (s) => {
    page.retry = 1000;
    pending.length = 0; // the state holds them
    connection(s.connected ? "connected" : s.error ? "not available" : "waiting for summarize", s.connected);
    onState(s);
  });
  on("streams", (list) => {
    if (!page.service) return;
    renderStreams(list.streams);
    if (!page.stream) chooseStream(list.streams);
  });
  on("line", (line) => { // a fast replay sends hundreds a second: added in batches, one layout each
    if (page.view) return;
    pending.push(line);
    if (pending.length === 1) setTimeout(() => appendLines(pending.splice(0)), 100);
  });
  on("relabel", (r) => { // the speaker labeller corrected lines already sent (a few seconds back)
    if (page.view) return;
    for (const fix of r.fixes) {
      const waiting = pending.find((line) => line.seq === fix.seq);
      if (waiting) waiting.speaker = fix.speaker;
      const node = document.getElementById(`seg-${fix.seq}`);
      if (node) relabelNode(node, fix.speaker);
    }
  });
  on("partial", (p) => { if (!page.view) $("partial").textContent = p.text; });
  on("notes", (notes) => { if (page.live) page.live.notes = notes; if (!page.view) renderNotes(notes, true); });
  on("answer", (answer) => { if (!page.view) renderAnswer(answer); });
  on("health", (h) => {
    renderHealth(h);
    if (!h.waiting_for_snapshot && !(page.live && page.live.error)) connection("connected", true);
  });
  on("eos", (e) => {
    if (page.live) { page.live.ended = true; page.live.end_reason = e.reason; }
    if (!page.view) describeLive(page.live);
    refreshSessions();
  });
  events.onerror = () => {
    if (page.events !== events) return; // a stream switch closed it
    connection("reconnecting…", false);
    if (events.readyState === EventSource.CLOSED) { // the browser gave up (an HTTP error): try again ourselves
      events.close();
      setTimeout(() => { if (page.events === events) connect(); }, page.retry);
      page.retry = Math.min(page.retry * 2, 15000);
    }
  };
}

setExports("");
connect();
refreshSessions();
