"""The ZeroMQ side of `sinkscribe web`: a client of docs/PROTOCOL.md like any other.

It follows summarize's PUB socket (notes, answers, the stored transcript, heartbeats, end of stream) and
transcribe's captions (partials, heartbeats), takes a snapshot at start and after every summarize
restart (section 6: subscribe, snapshot, drop what the snapshot covers, reset on a new `instance`), and
keeps what a page needs: the session, the latest notes, the most recent transcript lines (bounded) and
the stages' health. Every change becomes an `Event` for the pages that listen (pipeline/web.py sends
them as server-sent events). Older transcript lines are read from the session store on demand.

Nothing here knows audio or models; the store is only read.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq
import zmq.asyncio

from pipeline import transport, wire
from pipeline.messages import (
    Answer,
    EndOfStream,
    Error,
    Message,
    NoteItem,
    Partial,
    Question,
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
STAGE_SILENT_S = 60.0  # PROTOCOL.md section 8: a stage counts as gone only after a generous silence
PUBLISHER_SEQ = frozenset({"summary", "answer", "status", "eos"})


@dataclass
class Event:
    id: int
    name: str  # state, line, partial, notes, answer, health, eos
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


class Bridge:
    """Follows one summarize stage (and its transcribe) for the pages. One asyncio loop, one thread."""

    def __init__(self, cfg: Any, shelf: Any) -> None:
        self.cfg = cfg
        self.shelf = shelf  # where sessions are (catalog.shelf: a folder of files, or a database), or a folder
        self.ctx = zmq.asyncio.Context()
        self.session = ""
        self.session_ref: Any = None  # the followed session in the store (catalog.SessionRef), if it is reachable
        self.source = ""
        self.ended = False
        self.end_reason = ""
        self.notes: dict[str, Any] | None = None
        self.lines: deque[dict[str, Any]] = deque(maxlen=LINES_KEPT)
        self.partial: dict[str, Any] = {"text": "", "start": 0.0, "end": 0.0}
        self.stages: dict[str, dict[str, Any]] = {}  # stage -> {"counters", "seen" (monotonic)}
        self.commit_lag: float | None = None  # the newest word's commit latency (paced audio only)
        self.snapshot_at = 0.0  # monotonic time of the last snapshot; 0 = none yet
        self.malformed = 0
        self.instance: str | None = None
        self.reported_stored = -1  # stored_seq of the previous summarize status (lines up to it are stored)
        self.covered = -1
        self.last_pub = -1
        self.event_id = 0
        self.listeners: set[Listener] = set()
        self._want_snapshot = asyncio.Event()

    # -- pages --------------------------------------------------------------------------------------------
    def listen(self) -> Listener:
        listener = Listener()
        self.listeners.add(listener)
        return listener

    def unlisten(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    def emit(self, name: str, data: dict[str, Any]) -> None:
        self.event_id += 1
        event = Event(self.event_id, name, data)
        for listener in list(self.listeners):
            try:
                listener.queue.put_nowait(event)
            except asyncio.QueueFull:
                listener.dropped = True  # its page reconnects and gets the whole state again
                self.listeners.discard(listener)

    def close_listeners(self) -> None:
        for listener in list(self.listeners):
            listener.dropped = True
            listener.queue.put_nowait(None) if not listener.queue.full() else None
        self.listeners.clear()

    def state(self) -> dict[str, Any]:
        """Everything a page shows, for its first event (and after it reconnects)."""
        recent = list(self.lines)[-STATE_LINES:]
        return {"session": self.session, "source": self.source, "ended": self.ended, "end_reason": self.end_reason,
                "connected": self.snapshot_at > 0, "stored": self.session_ref is not None, "notes": self.notes,
                "lines": recent, "partial": self.partial, "health": self.health()}  # fmt: skip

    def health(self) -> dict[str, Any]:
        now = time.monotonic()
        stages = {}
        for name, seen in self.stages.items():
            c = seen["counters"]
            entry: dict[str, Any] = {"age_s": round(now - seen["seen"], 1), "instance": c.get("instance", "")}
            entry["state"] = "silent" if entry["age_s"] > STAGE_SILENT_S else "ok"
            if name == "summarize":
                entry |= {k: c.get(k) for k in ("stored_seq", "summary_upto_seq", "cache_tokens", "cache_bound",
                                                "tokens_evicted", "rss_bytes", "last_summary_s", "last_answer_s",
                                                "summaries", "questions", "ended")}  # fmt: skip
            elif name == "transcribe":
                entry["unacked"] = c.get("unacked")
                streams = [v for k, v in c.items() if isinstance(v, dict) and "asr_seconds" in v]
                if streams:
                    entry["audio_seconds"] = round(streams[0].get("audio_seconds", 0.0), 1)
                    entry["asr_seconds"] = round(streams[0].get("asr_seconds", 0.0), 1)
            stages[name] = entry
        summarize = self.stages.get("summarize", {}).get("counters", {})
        behind = None
        if "stored_seq" in summarize and "summary_upto_seq" in summarize:
            behind = summarize["stored_seq"] - summarize["summary_upto_seq"]
        return {"stages": stages, "commit_lag_s": self.commit_lag, "segments_since_notes": behind,
                "waiting_for_snapshot": self.snapshot_at == 0, "malformed": self.malformed,
                "summary_endpoint": self.cfg.endpoints.summary}  # fmt: skip

    # -- the store (read only) ------------------------------------------------------------------------------
    def stored_ref(self, name: str) -> Any:
        """Session `name` in the store this page reads (a catalog.SessionRef), if it is there: on the
        configured shelf, or the session file the stage reports, when that file is on this machine."""
        from stages.summarize import catalog

        shelf = catalog.as_shelf(self.shelf)
        if shelf.exists(name):
            return catalog.SessionRef(shelf, name)
        reported = self.stages.get("summarize", {}).get("counters", {}).get("session", "")
        path = Path(reported)
        if reported and path.suffix == catalog.SUFFIX and path.stem == name and path.is_file():
            return catalog.as_ref(path)
        return None

    # -- ZeroMQ ---------------------------------------------------------------------------------------------
    def _socket(self, kind: str, endpoint: str, topics: tuple[str, ...] = ()) -> zmq.Socket:
        prefixes = tuple(wire.topic_prefix(t) for t in topics) or (b"",)
        return transport.open_socket(self.ctx, kind, endpoint, bind=False, subscribe=prefixes,
                                     security=self.cfg.security)  # fmt: skip

    async def run(self) -> None:
        """Until cancelled."""
        ep = self.cfg.endpoints
        summary = self._socket("sub", ep.summary, ("summary", "answer", "status", "eos", "segment"))
        captions = self._socket("sub", ep.captions, ("partial", "status"))
        self._want_snapshot.set()
        tasks = [asyncio.create_task(self._read(summary, self.on_summary_socket)),
                 asyncio.create_task(self._read(captions, self.on_captions)),
                 asyncio.create_task(self._snapshots()), asyncio.create_task(self._tick())]  # fmt: skip
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            summary.close(linger=0)
            captions.close(linger=0)
            self.close_listeners()
            self.ctx.term()

    async def _read(self, sock: zmq.Socket, handle: Any) -> None:
        while True:
            frames = await sock.recv_multipart()
            try:
                msg = wire.decode(frames)
            except wire.WireError as exc:
                self.malformed += 1
                log.warning("web: dropped a malformed message: %s", exc)
                continue
            await handle(msg)

    async def _tick(self) -> None:
        """Heartbeat ages change even when nothing arrives: the pages see a stage go silent."""
        while True:
            await asyncio.sleep(2.0)
            self.emit("health", self.health())

    async def request(self, msg: Message, timeout_s: float) -> Message | None:
        """One request on a fresh DEALER; its reply, or None after `timeout_s`."""
        sock = self._socket("dealer", self.cfg.endpoints.requests)
        try:
            await sock.send_multipart(wire.encode(msg))
            deadline = time.monotonic() + timeout_s
            while (left := deadline - time.monotonic()) > 0:
                if not await sock.poll(int(left * 1000)):
                    return None
                try:
                    reply = wire.decode(await sock.recv_multipart())
                except wire.WireError:
                    continue
                if getattr(reply, "request_id", None) == getattr(msg, "request_id", None):
                    return reply
            return None
        finally:
            sock.close(linger=0)

    async def ask(self, question: str, timeout_s: float) -> Answer | Error | None:
        reply = await self.request(Question("web", 0, uuid.uuid4().hex, question), timeout_s)
        return reply if isinstance(reply, Answer | Error) else None

    async def _snapshots(self) -> None:
        while True:
            await self._want_snapshot.wait()
            await asyncio.sleep(SETTLE_S)
            self._want_snapshot.clear()
            while True:
                snap = await self.request(SnapshotRequest("web", 0, uuid.uuid4().hex), SNAPSHOT_RETRY_S)
                if isinstance(snap, Snapshot):
                    await self.apply_snapshot(snap)
                    break
                self.emit("health", self.health())  # still waiting: the page says so

    async def apply_snapshot(self, snap: Snapshot) -> None:
        self.covered = self.last_pub = snap.pub_seq
        await self._switch_session(snap)
        self.source, self.ended, self.end_reason = snap.source, snap.ended, snap.end_reason
        if snap.summary and (self.notes is None or snap.upto_seq >= self.notes["upto_seq"]):
            self.notes = {"text": snap.summary, "items": items_json(snap.items), "upto_seq": snap.upto_seq,
                          "upto": snap.upto, "final": snap.final}  # fmt: skip
        self.snapshot_at = time.monotonic()
        self.emit("state", self.state())

    async def _switch_session(self, snap: Snapshot) -> None:
        """Lines: the newest stored ones (the store is the truth, also after a restart of either side),
        then those that arrived live since (`self.lines` holds only the current summarize process's)."""
        if snap.session != self.session:
            self.session, self.notes = snap.session, None
        self.session_ref = await asyncio.to_thread(self.stored_ref, snap.session)
        stored: list[dict[str, Any]] = []
        if self.session_ref is not None:
            stored = await asyncio.to_thread(read_lines, self.session_ref, limit=LINES_KEPT)
        newest = stored[-1]["seq"] if stored else -1
        self.lines = deque(stored + [entry for entry in self.lines if entry["seq"] > newest], maxlen=LINES_KEPT)

    async def on_summary_socket(self, msg: Message) -> None:
        if isinstance(msg, Status) and msg.stage == "summarize":
            seen = msg.counters.get("instance")
            if self.instance is not None and seen != self.instance:
                self.covered = self.last_pub = -1  # a new process numbers from 1 again; its session may differ
                self.lines.clear()  # the snapshot reloads them from the store
                self._want_snapshot.set()
            self.instance = seen
        if msg.type in PUBLISHER_SEQ:
            if msg.seq <= self.covered:
                return  # the snapshot holds it
            if self.last_pub >= 0 and msg.seq > self.last_pub + 1:
                self._want_snapshot.set()  # we lost messages (a slow reader): catch up from a snapshot
            self.last_pub = msg.seq
        if isinstance(msg, Segment):
            if self.lines and msg.seq <= self.lines[-1]["seq"]:
                return
            if self.lines and msg.seq > self.lines[-1]["seq"] + 1:
                await self._fill(msg.seq - 1)  # a slow reader lost some: the store has them
                if msg.seq <= self.lines[-1]["seq"]:
                    return
            self.lines.append(line(msg))
            if msg.clock > 0 and msg.words:
                self.commit_lag = round(msg.wall - (msg.words[-1].end + msg.clock), 2)
            self.emit("line", line(msg))
        elif isinstance(msg, Summary):
            self.notes = {"text": msg.text, "items": items_json(msg.items), "upto_seq": msg.upto_seq,
                          "upto": msg.upto, "final": msg.final}  # fmt: skip
            self.emit("notes", self.notes)
        elif isinstance(msg, Answer):
            self.emit("answer", answer_json(msg))
        elif isinstance(msg, Status):
            self.stages[msg.stage] = {"counters": msg.counters, "seen": time.monotonic()}
            if msg.stage == "summarize":
                # Lines stored before the previous status were published before it (one socket keeps order):
                # still missing now, they were lost on the way (the last line of a meeting has no later line
                # to reveal the gap).
                if self.lines and self.reported_stored > self.lines[-1]["seq"]:
                    await self._fill(self.reported_stored)
                self.reported_stored = int(msg.counters.get("stored_seq", -1) or -1)
            self.emit("health", self.health())
        elif isinstance(msg, EndOfStream):
            self.ended, self.end_reason = True, msg.reason
            self.emit("eos", {"reason": msg.reason, "audio_seconds": msg.audio_seconds})

    async def _fill(self, upto: int) -> None:
        """Lines after the newest one held, up to `upto`, read from the store and sent to the pages in order,
        so a page's transcript stays contiguous (it stops following at a hole). A hole larger than the
        lines kept is a snapshot's job: it reloads the newest lines and the pages start over."""
        after = self.lines[-1]["seq"]
        if self.session_ref is None:
            return
        if upto - after > LINES_KEPT:
            self._want_snapshot.set()
            return
        missing = await asyncio.to_thread(read_lines, self.session_ref, after=after, limit=upto - after)
        for entry in missing:
            if entry["seq"] > self.lines[-1]["seq"]:
                self.lines.append(entry)
                self.emit("line", entry)
        if missing:
            log.info("web: %d transcript lines lost on the way were read from the store", len(missing))

    async def on_captions(self, msg: Message) -> None:
        if isinstance(msg, Partial):
            self.partial = {"text": msg.text, "start": msg.start, "end": msg.end}
            self.emit("partial", self.partial)
        elif isinstance(msg, Status):
            self.stages[msg.stage] = {"counters": msg.counters, "seen": time.monotonic()}
            capture = msg.counters.get("capture")
            if isinstance(capture, dict) and capture:
                self.stages["capture"] = {"counters": capture, "seen": time.monotonic()}


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
