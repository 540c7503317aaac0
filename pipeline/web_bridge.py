"""The ZeroMQ side of `sinkscribe web`: a client of docs/PROTOCOL.md like any other.

It follows summarize's PUB socket (notes, answers, the stored transcript, heartbeats, end of stream) and
transcribe's captions (partials, heartbeats) and hands each stream's messages to its `Follow`
(pipeline/web_follow.py: the snapshot procedure of section 6, the newest lines, the notes). Two modes:

- a single pipeline (`web`, `replay --web`, `run --web`): one follow takes everything, as before streams;
- a service (`serve --web`, `web --connect`): every message carries its stream (section 4), each stream
  a page asks for gets its own follow (its own publisher sequence and snapshots), and the bridge keeps
  the list of the service's streams and their state (live, ended, lost, failed) from the service
  heartbeat's `streams`, or, where this client's key may not read that heartbeat, from the streams' own.

The bridge is a plain client: what its key may read is what it shows. Older transcript lines are read
from the session store on demand, and only for a session whose snapshot the service gave it.
Nothing here knows audio or models; the store is only read.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
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
    Partial,
    Question,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
)
from pipeline.web_follow import Event, Follow, Listener

log = logging.getLogger(__name__)
STAGE_SILENT_S = 60.0  # PROTOCOL.md section 8: a stage counts as gone only after a generous silence
FOLLOWS_KEPT = 32  # streams followed at once (those no page watches are let go first)
FOLLOW_IDLE_S = 120.0  # a followed stream no page has watched or asked about for this long is let go
STREAMS_LISTED = 320  # a service's live streams (at most 256) and its recently ended ones (64)
ASK_REASON_S = 5.0  # how long to wait for the snapshot that says why a stream ended


class TooManyStreams(Exception):
    """Every followed stream has a page on it: no room for another."""


class Bridge:
    """Follows one summarize stage (and its transcribe) for the pages. One asyncio loop, one thread."""

    def __init__(self, cfg: Any, shelf: Any, service: bool = False) -> None:
        self.cfg = cfg
        self.shelf = shelf  # where sessions are (catalog.shelf: a folder of files, or a database), or a folder
        self.service = service  # a `sinkscribe serve`: many streams, one follow per stream a page asks for
        self.ctx = zmq.asyncio.Context()
        self.stages: dict[str, dict[str, Any]] = {}  # stage -> {"counters", "seen" (monotonic)}
        self.malformed = 0
        self.instance: str | None = None
        self.event_id = 0
        self.follows: dict[str, Follow] = {}  # "" = the single pipeline's
        self.lobby: set[Listener] = set()  # a service's pages that follow no stream yet (they see the list)
        # A service's streams: from its heartbeat (`listed`), from the streams' own messages (`seen`: all a
        # key may read when the service heartbeat is not), and why the ended ones ended (`reasons`).
        self.listed: dict[str, dict[str, Any]] = {}
        self.stream_instances: OrderedDict[str, Any] = OrderedDict()  # stream -> its summarize's instance
        self.listed_at = 0.0
        self.seen: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.reasons: OrderedDict[str, str] = OrderedDict()
        self._asking: set[str] = set()
        self._shown_streams: list[dict[str, Any]] = []
        self._running = False
        self._warned = False
        if not service:
            self.follows[""] = Follow(self, "")

    # -- pages --------------------------------------------------------------------------------------------
    def follow(self, stream: str) -> Follow:
        """The follow of `stream` ("" on a single pipeline), started on first use; TooManyStreams when
        FOLLOWS_KEPT are followed and each has a page on it."""
        key = stream if self.service else ""
        found = self.follows.get(key)
        if found is None:
            if len(self.follows) >= FOLLOWS_KEPT:
                idle = [f for f in self.follows.values() if not f.listeners]
                if not idle:
                    raise TooManyStreams(f"this page server already follows {FOLLOWS_KEPT} streams, each watched")
                self._drop(min(idle, key=lambda f: f.used))
            found = self.follows[key] = Follow(self, key)
            if self._running:
                found.task = asyncio.create_task(found.snapshots(settle_s=0.0))  # our SUBs are long subscribed
        found.used = time.monotonic()
        return found

    def _drop(self, follow: Follow) -> None:
        if follow.task is not None:
            follow.task.cancel()
        del self.follows[follow.stream]

    def listen(self, stream: str = "") -> tuple[Listener, Follow | None]:
        """A page's queue: on its stream's follow, or in the lobby (a service, no stream chosen)."""
        listener = Listener()
        if self.service and not stream:
            self.lobby.add(listener)
            return listener, None
        follow = self.follow(stream)
        follow.listeners.add(listener)
        return listener, follow

    def unlisten(self, listener: Listener) -> None:
        self.lobby.discard(listener)
        for follow in self.follows.values():
            if listener in follow.listeners:
                follow.listeners.discard(listener)
                follow.used = time.monotonic()  # its idle time starts when its last page leaves

    def emit_to(self, listeners: set[Listener], name: str, data: dict[str, Any]) -> None:
        self.event_id += 1
        event = Event(self.event_id, name, data)
        for listener in list(listeners):
            try:
                listener.queue.put_nowait(event)
            except asyncio.QueueFull:
                listener.dropped = True  # its page reconnects and gets the whole state again
                listeners.discard(listener)

    def emit(self, name: str, data: dict[str, Any]) -> None:
        """To every page (the stream list)."""
        for listeners in (self.lobby, *(f.listeners for f in self.follows.values())):
            self.emit_to(listeners, name, data)

    def close_listeners(self) -> None:
        for listeners in (self.lobby, *(f.listeners for f in self.follows.values())):
            for listener in list(listeners):
                listener.dropped = True
                listener.queue.put_nowait(None) if not listener.queue.full() else None
            listeners.clear()

    def state(self, follow: Follow | None) -> dict[str, Any]:
        """Everything a page shows, for its first event (and after it reconnects)."""
        if follow is None:  # a service's page before it chose a stream
            shown: dict[str, Any] = {"stream": "", "session": "", "source": "", "ended": False, "end_reason": "",
                                     "connected": bool(self.stages), "error": "", "stored": False, "notes": None,
                                     "lines": [], "partial": {"text": "", "start": 0.0, "end": 0.0},
                                     "health": self.health(None)}  # fmt: skip
        else:
            shown = follow.state()
        return shown | {"service": self.service, "streams": self.streams() if self.service else []}

    # -- a service's streams --------------------------------------------------------------------------------
    def streams(self) -> list[dict[str, Any]]:
        """The service's streams, by name: {name, state (live, ended, lost, failed), reason, lines}."""
        fresh = time.monotonic() - self.listed_at < STAGE_SILENT_S
        known: dict[str, dict[str, Any]] = {**self.seen, **(self.listed if fresh else {})}
        shown = []
        for name in sorted(known)[:STREAMS_LISTED]:
            ack = known[name]
            reason = self.reasons.get(name, "")
            if ack.get("error"):
                state, reason = "failed", str(ack["error"])
            elif not ack.get("ended"):
                state = "live"
            else:
                state = "lost" if reason == "lost" else "ended"
            shown.append({"name": name, "state": state, "reason": reason,
                          "lines": int(ack.get("stored_seq", -1)) + 1})  # fmt: skip
        return shown

    def _streams_changed(self) -> None:
        shown = self.streams()
        if shown != self._shown_streams:
            self._shown_streams = shown
            self.emit("streams", {"streams": shown})
        for name, ack in {**self.seen, **self.listed}.items():
            if ack.get("ended") and name not in self.reasons and name not in self._asking and self._running:
                self._asking.add(name)  # why it ended (eof, lost, stopped) is in its snapshot, not the heartbeat
                asyncio.create_task(self._ask_reason(name))

    async def _ask_reason(self, name: str) -> None:
        try:
            snap = await self.request(SnapshotRequest(name, 0, uuid.uuid4().hex), ASK_REASON_S)
            # Asked once: a stream not ours to read, or a silent service, is shown as plainly "ended".
            self.ended(name, (snap.end_reason or "eof") if isinstance(snap, Snapshot) and snap.ended else "")
        finally:
            self._asking.discard(name)

    def ended(self, stream: str, reason: str) -> None:
        if not self.service or not stream:
            return
        self.reasons[stream] = reason
        self.reasons.move_to_end(stream)
        while len(self.reasons) > STREAMS_LISTED:
            self.reasons.popitem(last=False)
        if stream in self.seen:
            self.seen[stream]["ended"] = True
        self._streams_changed()

    def _saw(self, stream: str, ack: dict[str, Any]) -> None:
        self.seen[stream] = self.seen.get(stream, {}) | ack
        self.seen.move_to_end(stream)
        while len(self.seen) > STREAMS_LISTED:
            self.seen.popitem(last=False)

    # -- health ---------------------------------------------------------------------------------------------
    def health(self, follow: Follow | None) -> dict[str, Any]:
        now = time.monotonic()
        stages = {}
        seen_stages = dict(self.stages)
        if follow is not None and follow.heartbeat:  # a service stream's own summarize heartbeat
            seen_stages["summarize"] = follow.heartbeat
        for name, seen in seen_stages.items():
            c = seen["counters"]
            entry: dict[str, Any] = {"age_s": round(now - seen["seen"], 1), "instance": c.get("instance", "")}
            entry["state"] = "silent" if entry["age_s"] > STAGE_SILENT_S else "ok"
            if name == "summarize":
                entry |= {k: c.get(k) for k in ("stored_seq", "summary_upto_seq", "cache_tokens", "cache_bound",
                                                "tokens_evicted", "rss_bytes", "last_summary_s", "last_answer_s",
                                                "summaries", "questions", "ended", "sessions")}  # fmt: skip
            elif name == "transcribe":
                entry["unacked"] = c.get("unacked")
                stream = follow.stream if follow is not None and self.service else None
                streams = [v for k, v in c.items() if isinstance(v, dict) and "asr_seconds" in v
                           and (stream is None or k == stream)]  # fmt: skip
                if streams:
                    entry["audio_seconds"] = round(streams[0].get("audio_seconds", 0.0), 1)
                    entry["asr_seconds"] = round(streams[0].get("asr_seconds", 0.0), 1)
            stages[name] = entry
        summarize = seen_stages.get("summarize", {}).get("counters", {})
        behind = None
        if "stored_seq" in summarize and "summary_upto_seq" in summarize:
            behind = summarize["stored_seq"] - summarize["summary_upto_seq"]
        waiting = follow.snapshot_at == 0 if follow is not None else not self.stages
        return {"stages": stages, "commit_lag_s": follow.commit_lag if follow is not None else None,
                "segments_since_notes": behind, "waiting_for_snapshot": waiting, "malformed": self.malformed,
                "summary_endpoint": self.cfg.endpoints.summary}  # fmt: skip

    # -- the store (read only) ------------------------------------------------------------------------------
    def stored_ref(self, name: str, follow: Follow | None = None) -> Any:
        """Session `name` in the store this page reads (a catalog.SessionRef), if it is there: on the
        configured shelf, or the session file the stage reports, when that file is on this machine."""
        from stages.summarize import catalog

        shelf = catalog.as_shelf(self.shelf)
        if shelf.exists(name):
            return catalog.SessionRef(shelf, name)
        beat = follow.heartbeat if follow is not None and follow.heartbeat else self.stages.get("summarize", {})
        reported = beat.get("counters", {}).get("session", "")
        path = Path(reported) if isinstance(reported, str) else Path()
        if reported and path.suffix == catalog.SUFFIX and path.stem == name and path.is_file():
            return catalog.as_ref(path)
        return None

    def readable(self, name: str) -> bool:
        """A service: may a page read session `name` from the store? Only a stream's session whose
        snapshot the service gave this client (its key's permission), so the page shows no more than
        the sockets would. A single pipeline's page reads its session folder, as it always has."""
        if not self.service:
            return True
        return any(f.session == name and f.snapshot_at > 0 for f in self.follows.values())

    # -- ZeroMQ ---------------------------------------------------------------------------------------------
    def _socket(self, kind: str, endpoint: str, topics: tuple[str, ...] = ()) -> zmq.Socket:
        prefixes = tuple(wire.topic_prefix(t) for t in topics) or (b"",)
        return transport.open_socket(self.ctx, kind, endpoint, bind=False, subscribe=prefixes,
                                     security=self.cfg.security)  # fmt: skip

    async def run(self) -> None:
        """Until cancelled."""
        ep = self.cfg.endpoints
        summary = self._socket("sub", ep.summary, ("summary", "answer", "status", "eos", "segment"))
        captions = self._socket("sub", ep.captions, ("partial", "status", "segment"))
        self._running = True
        for follow in self.follows.values():  # the single pipeline's, or streams asked for before we ran
            follow.task = asyncio.create_task(follow.snapshots())
        tasks = [asyncio.create_task(self._read(summary, self.on_summary_socket)),
                 asyncio.create_task(self._read(captions, self.on_captions)), asyncio.create_task(self._tick())]  # fmt: skip
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks + [f.task for f in self.follows.values() if f.task is not None]:
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
            for follow in self.follows.values():
                if follow.listeners:
                    follow.emit("health", self.health(follow))
            if self.lobby:
                self.emit_to(self.lobby, "health", self.health(None))
            if self.service:
                self._streams_changed()  # a service heartbeat gone silent: the streams' own say what is left
                for follow in [f for f in self.follows.values() if not f.listeners]:
                    if time.monotonic() - follow.used > FOLLOW_IDLE_S:
                        self._drop(follow)  # nobody watches it: no more snapshots asked for it

    def dealer(self) -> zmq.Socket:
        """A DEALER on the requests socket (the caller closes it)."""
        return self._socket("dealer", self.cfg.endpoints.requests)

    async def request(self, msg: Message, timeout_s: float) -> Message | None:
        """One request on a fresh DEALER; its reply, or None after `timeout_s`."""
        sock = self.dealer()
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

    async def ask(self, question: str, timeout_s: float, stream: str = "") -> Answer | Error | None:
        """A question about the meeting (a service: about `stream`)."""
        asked = stream if self.service else "web"
        reply = await self.request(Question(asked, 0, uuid.uuid4().hex, question), timeout_s)
        return reply if isinstance(reply, Answer | Error) else None

    def _follow_of(self, msg: Message) -> Follow | None:
        return self.follows.get(msg.stream if self.service else "")

    async def on_summary_socket(self, msg: Message) -> None:
        service_beat = False
        if isinstance(msg, Status) and msg.stage == "summarize":
            seen = msg.counters.get("instance")
            service_beat = self.service and isinstance(msg.counters.get("streams"), dict)
            if self.service and not service_beat:
                # One stream's own heartbeat. Behind a cluster gateway each stream's comes from its own host
                # (another instance per host, and no service heartbeat at all): only the page of a stream
                # whose instance changed (its summarize restarted, or it moved to another host) starts over.
                before = self.stream_instances.get(msg.stream)
                if before is not None and seen != before and (follow := self.follows.get(msg.stream)) is not None:
                    follow.restarted()
                self.stream_instances[msg.stream] = seen
                self.stream_instances.move_to_end(msg.stream)
                while len(self.stream_instances) > STREAMS_LISTED:
                    self.stream_instances.popitem(last=False)
            else:
                if self.instance is not None and seen != self.instance:
                    for follow in self.follows.values():
                        follow.restarted()
                    for name in self.stream_instances:  # told already: their own next beats are no news
                        self.stream_instances[name] = seen
                self.instance = seen
            if not self.service and isinstance(msg.counters.get("streams"), dict) and not self._warned:
                self._warned = True  # its streams would mix on one page
                log.warning("web: %s is a service of many streams: follow it with `sinkscribe web --connect "
                            "tcp://HOST:PORT` (a stream picker)", self.cfg.endpoints.summary)  # fmt: skip
            if service_beat:  # the service's own: every stream's acknowledgement, none of them its own
                self.stages["summarize"] = {"counters": msg.counters, "seen": time.monotonic()}
                self.listed, self.listed_at = dict(msg.counters["streams"]), time.monotonic()
                self._streams_changed()
            elif self.service:  # one stream's own heartbeat
                self._saw(msg.stream, {k: msg.counters[k] for k in ("stored_seq", "ended") if k in msg.counters})
                self._streams_changed()
        if self.service and isinstance(msg, EndOfStream):
            self.ended(msg.stream, msg.reason)
        follow = None if service_beat else self._follow_of(msg)
        if follow is not None:
            await follow.on_summary(msg)
        if isinstance(msg, Status) and not self.service:
            self.stages[msg.stage] = {"counters": msg.counters, "seen": time.monotonic()}
        if isinstance(msg, Status):  # the pages that show this heartbeat
            for shown in self.follows.values() if service_beat else (follow,) if follow is not None else ():
                shown.emit("health", self.health(shown))

    async def on_captions(self, msg: Message) -> None:
        if isinstance(msg, Partial | Segment) and (follow := self._follow_of(msg)) is not None:
            if isinstance(msg, Partial):
                follow.on_partial(msg)
            else:
                follow.on_committed(msg)  # shown before summarize's stored copy comes
        elif isinstance(msg, Status):
            self.stages[msg.stage] = {"counters": msg.counters, "seen": time.monotonic()}
            capture = msg.counters.get("capture")
            if isinstance(capture, dict) and capture:
                self.stages["capture"] = {"counters": capture, "seen": time.monotonic()}

