"""One followed stream of the web bridge: what its pages show, kept current from the sockets.

A `Follow` is the late-joiner procedure of docs/PROTOCOL.md section 6 for one stream: it takes a
snapshot (at start, after a summarize restart, after a gap in its publisher sequence), drops what the
snapshot covers, keeps the newest transcript lines (bounded; the store holds the rest), the latest
notes, the caption line and the stream's own summarize heartbeat, and turns every change into an event
for the pages that follow it. The bridge (pipeline/web_bridge.py) owns the sockets and hands each
follow its stream's messages: one follow for a single pipeline (every message is its), one per stream a
page asks for on a service (`sinkscribe serve`, where each stream has its own publisher sequence).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from pipeline import wire
from pipeline.messages import (
    Answer,
    EndOfStream,
    Error,
    Message,
    NoteItem,
    Partial,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
    Summary,
)  # fmt: skip

log = logging.getLogger(__name__)
LINES_KEPT = 500  # recent transcript lines kept for pages that (re)connect; older ones come from the store
STATE_LINES = 200  # of those, sent in a page's first event
QUEUE_EVENTS = 2000  # a page further behind than this is dropped; its browser reconnects and catches up
SETTLE_S = 0.3  # PUB/SUB: a subscription takes a moment to reach the publisher; snapshot after it
SNAPSHOT_RETRY_S = 10.0  # a stage loading its model answers later: ask again meanwhile
PUBLISHER_SEQ = frozenset({"summary", "answer", "status", "eos"})


@dataclass
class Event:
    id: int
    name: str  # state, line, relabel, partial, notes, answer, health, eos, streams
    data: dict[str, Any]


@dataclass(eq=False)  # compared and hashed by identity: a set of them
class Listener:
    """One page's queue of events; `dropped` when it fell too far behind (it is then disconnected)."""

    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(QUEUE_EVENTS))
    dropped: bool = False


def line(seg: Segment) -> dict[str, Any]:
    return {"seq": seg.seq, "start": round(seg.start, 2), "end": round(seg.end, 2), "speaker": seg.speaker,
            "text": seg.text}  # fmt: skip


def items_json(items: tuple[NoteItem, ...]) -> list[dict[str, Any]]:
    return [{"kind": i.kind, "text": i.text, "owner": i.owner, "due": i.due, "seqs": list(i.seqs),
             "starts": list(i.starts)} for i in items]  # fmt: skip


def answer_json(a: Answer) -> dict[str, Any]:
    return {"request_id": a.request_id, "question": a.question, "text": a.text, "session": a.session,
            "citations": [{"seq": c.seq, "start": c.start, "end": c.end, "text": c.text} for c in a.citations]}  # fmt: skip


def read_lines(ref: Any, *, before: int | None = None, after: int | None = None, limit: int = 100) -> list[dict]:
    """Up to `limit` stored transcript lines just before `before` (older ones) or just after `after`
    (newer ones), in order. Segment numbers in a store are contiguous from 0 (it stores in order).
    `ref`: a catalog.SessionRef, or a session file's path."""
    from stages.summarize.catalog import as_ref

    with as_ref(ref).open_existing() as store:
        if after is not None:
            return [line(s) for s in store.segments(after_seq=after, limit=limit)]
        end = store.last_seq() + 1 if before is None else before
        start = max(0, end - limit)
        return [line(s) for s in store.segments(after_seq=start - 1, limit=end - start)]


class Follow:
    """One stream's state for the pages (driven by the bridge's asyncio loop, not thread-safe).

    `stream` is "" for a single pipeline (everything it publishes is the meeting) and the stream id on
    a service. The bridge supplies `request` (one request on the requests socket), `emit_to`, `health`
    and `stored_ref`."""

    def __init__(self, bridge: Any, stream: str) -> None:
        self.bridge = bridge
        self.stream = stream
        self.session = ""
        self.session_ref: Any = None  # the followed session in the store (catalog.SessionRef), if it is reachable
        self.source = ""
        self.ended = False
        self.end_reason = ""
        self.error = ""  # the service's refusal of our snapshot (no such stream, not ours to read)
        self.notes: dict[str, Any] | None = None
        self.lines: deque[dict[str, Any]] = deque(maxlen=LINES_KEPT)
        self.partial: dict[str, Any] = {"text": "", "start": 0.0, "end": 0.0}
        self.heartbeat: dict[str, Any] = {}  # a service: this stream's own summarize status {"counters", "seen"}
        self.commit_lag: float | None = None  # the newest word's commit latency (paced audio only)
        self.snapshot_at = 0.0  # monotonic time of the last snapshot; 0 = none yet
        self.reported_stored = -1  # stored_seq of the previous summarize status (lines up to it are stored)
        self.covered = -1
        self.last_pub = -1
        self.listeners: set[Listener] = set()
        self.used = time.monotonic()  # the last time a page asked for it (the least used are let go)
        self.want_snapshot = asyncio.Event()
        self.want_snapshot.set()
        self.task: asyncio.Task | None = None

    # -- pages ----------------------------------------------------------------------------------------------
    def emit(self, name: str, data: dict[str, Any]) -> None:
        self.bridge.emit_to(self.listeners, name, data)

    def state(self) -> dict[str, Any]:
        """Everything a page shows, for its first event (and after it reconnects)."""
        recent = list(self.lines)[-STATE_LINES:]
        return {"stream": self.stream, "session": self.session, "source": self.source, "ended": self.ended,
                "end_reason": self.end_reason, "connected": self.snapshot_at > 0, "error": self.error,
                "stored": self.session_ref is not None, "notes": self.notes, "lines": recent,
                "partial": self.partial, "health": self.bridge.health(self)}  # fmt: skip

    # -- catching up ----------------------------------------------------------------------------------------
    def restarted(self) -> None:
        """Summarize restarted: a new process numbers from 1 again, and its session may differ."""
        self.covered = self.last_pub = -1
        self.lines.clear()  # the snapshot reloads them from the store
        self.want_snapshot.set()

    async def snapshots(self, settle_s: float = SETTLE_S) -> None:
        """Until cancelled: a snapshot whenever one is wanted."""
        while True:
            await self.want_snapshot.wait()
            await asyncio.sleep(settle_s)
            self.want_snapshot.clear()
            while True:
                snap = await self._ask_snapshot()
                if isinstance(snap, Snapshot):
                    await self.apply_snapshot(snap)
                    break
                # No such stream (yet), or not ours to read: said, and asked again.
                if snap.message != self.error:
                    self.error = snap.message
                    self.emit("state", self.state())
                await asyncio.sleep(SNAPSHOT_RETRY_S)

    async def _ask_snapshot(self) -> Snapshot | Error:
        """Ask until answered, asking again every SNAPSHOT_RETRY_S (a stage loading its model, or restarted,
        never saw the earlier ask) on one DEALER, so the answer to any earlier ask counts: a busy stage
        answers one request between two generations, and a fresh socket per ask would throw away each
        late answer while the next ask waits behind it (under load, until the meeting's end)."""
        sock = self.bridge.dealer()
        asked: set[str] = set()
        try:
            while True:
                request_id = uuid.uuid4().hex
                asked.add(request_id)
                await sock.send_multipart(wire.encode(SnapshotRequest(self.stream or "web", 0, request_id)))
                deadline = time.monotonic() + SNAPSHOT_RETRY_S
                while (left := deadline - time.monotonic()) > 0:
                    if not await sock.poll(int(left * 1000)):
                        break
                    try:
                        reply = wire.decode(await sock.recv_multipart())
                    except wire.WireError:
                        continue
                    if getattr(reply, "request_id", None) in asked and isinstance(reply, Snapshot | Error):
                        return reply
                self.emit("health", self.bridge.health(self))  # still waiting: the page says so
        finally:
            sock.close(linger=0)

    async def apply_snapshot(self, snap: Snapshot) -> None:
        self.covered = self.last_pub = snap.pub_seq
        self.error = ""
        await self._switch_session(snap)
        self.source, self.ended, self.end_reason = snap.source, snap.ended, snap.end_reason
        if snap.summary and (self.notes is None or snap.upto_seq >= self.notes["upto_seq"]):
            self.notes = {"text": snap.summary, "items": items_json(snap.items), "upto_seq": snap.upto_seq,
                          "upto": snap.upto, "final": snap.final}  # fmt: skip
        self.snapshot_at = time.monotonic()
        if snap.ended:
            self.bridge.ended(self.stream, snap.end_reason)
        self.emit("state", self.state())

    async def _switch_session(self, snap: Snapshot) -> None:
        """Lines: the newest stored ones (the store is the truth, also after a restart of either side),
        then those that arrived live since (`self.lines` holds only the current summarize process's)."""
        if snap.session != self.session:
            self.session, self.notes = snap.session, None
        self.session_ref = await asyncio.to_thread(self.bridge.stored_ref, snap.session, self)
        stored: list[dict[str, Any]] = []
        if self.session_ref is not None:
            stored = await asyncio.to_thread(read_lines, self.session_ref, limit=LINES_KEPT)
        newest = stored[-1]["seq"] if stored else -1
        self.lines = deque(stored + [entry for entry in self.lines if entry["seq"] > newest], maxlen=LINES_KEPT)

    # -- the stream's messages ------------------------------------------------------------------------------
    async def on_summary(self, msg: Message) -> None:
        """A message of this stream from summarize's PUB socket."""
        if msg.type in PUBLISHER_SEQ:
            if msg.seq <= self.covered:
                return  # the snapshot holds it
            if self.last_pub >= 0 and msg.seq > self.last_pub + 1:
                self.want_snapshot.set()  # we lost messages (a slow reader): catch up from a snapshot
            self.last_pub = msg.seq
        if isinstance(msg, Segment):
            if self.lines and msg.seq <= self.lines[-1]["seq"]:
                return
            if self.lines and msg.seq > self.lines[-1]["seq"] + 1:
                await self._fill(msg.seq - 1)  # a slow reader lost some: the store has them
                if msg.seq <= self.lines[-1]["seq"]:
                    return
            self._show(msg)
        elif isinstance(msg, Summary):
            self.notes = {"text": msg.text, "items": items_json(msg.items), "upto_seq": msg.upto_seq,
                          "upto": msg.upto, "final": msg.final}  # fmt: skip
            self.emit("notes", self.notes)
        elif isinstance(msg, Answer):
            self.emit("answer", answer_json(msg))
        elif isinstance(msg, Status) and msg.stage == "summarize":
            if self.stream:
                self.heartbeat = {"counters": msg.counters, "seen": time.monotonic()}
            # Lines stored before the previous status were published before it (one socket keeps order):
            # still missing now, they were lost on the way (the last line of a meeting has no later line
            # to reveal the gap).
            if self.lines and self.reported_stored > self.lines[-1]["seq"]:
                await self._fill(self.reported_stored)
            self.reported_stored = int(msg.counters.get("stored_seq", -1) or -1)
        elif isinstance(msg, EndOfStream):
            self.ended, self.end_reason = True, msg.reason
            self.emit("eos", {"reason": msg.reason, "audio_seconds": msg.audio_seconds})

    def on_committed(self, msg: Segment) -> None:
        """A segment as transcribe commits it (its captions socket): shown at once when it is the next line.
        Summarize's copy comes once stored, late while the model is busy (81 s median on the demo at
        real time, stop 26), and `on_summary` then drops it as held. Anything else (the first line, a
        gap) waits for summarize's copy, which fills gaps from the store."""
        if self.lines and msg.seq == self.lines[-1]["seq"] + 1:
            self._show(msg)

    def _show(self, msg: Segment) -> None:
        """The next line: held, its commit latency noted (paced audio), sent to the pages; the speaker
        labels it corrects on lines before it are changed in those held and on the pages first."""
        if msg.relabels:
            fixes = {fix.seq: fix.speaker for fix in msg.relabels if fix.seq < msg.seq}
            for entry in self.lines:
                if entry["seq"] in fixes:
                    entry["speaker"] = fixes[entry["seq"]]
            self.emit("relabel", {"fixes": [{"seq": seq, "speaker": who} for seq, who in fixes.items()]})
        self.lines.append(line(msg))
        if msg.clock > 0 and msg.words:
            self.commit_lag = round(msg.wall - (msg.words[-1].end + msg.clock), 2)
        self.emit("line", line(msg))

    async def _fill(self, upto: int) -> None:
        """Lines after the newest one held, up to `upto`, read from the store and sent to the pages in order,
        so a page's transcript stays contiguous (it stops following at a hole). A hole larger than the
        lines kept is a snapshot's job: it reloads the newest lines and the pages start over."""
        after = self.lines[-1]["seq"]
        if self.session_ref is None:
            return
        if upto - after > LINES_KEPT:
            self.want_snapshot.set()
            return
        missing = await asyncio.to_thread(read_lines, self.session_ref, after=after, limit=upto - after)
        for entry in missing:
            if entry["seq"] > self.lines[-1]["seq"]:
                self.lines.append(entry)
                self.emit("line", entry)
        if missing:
            log.info("web: %d transcript lines lost on the way were read from the store", len(missing))

    def on_partial(self, msg: Partial) -> None:
        self.partial = {"text": msg.text, "start": msg.start, "end": msg.end}
        self.emit("partial", self.partial)
