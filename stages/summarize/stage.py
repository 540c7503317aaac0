"""Summarize stage: committed transcript in (lossless PULL), summaries and answers out (PUB + ROUTER).

Sockets, all used from this one thread:
- PULL `transcript`: Segment and EndOfStream from transcribe (or from `replay --text`).
- PUB `summary`: topics summary, answer, segment (the transcript, republished), status, eos. Summary,
  Answer, Status and EndOfStream carry the publisher's own sequence number (one per stream), so a late
  joiner can use the Clone pattern: subscribe, request a Snapshot, drop updates whose seq <= Snapshot.pub_seq.
- ROUTER `requests`: Question and SnapshotRequest from DEALER clients; the reply goes to the asker
  (Answer, Snapshot or a one-line Error) and answers are also published.

Two modes (`summarize.max_streams`):
- 0, one session (`run`, `replay`, `stage summarize`): everything received goes to the one session,
  whatever its `stream`; what is published carries the configured stream id.
- N >= 1, hosting (`serve`): each stream id is its own session (`HostedStream`: store, sink cache,
  notes) over the one loaded model, at most N live at once; requests are routed by their `stream`;
  ended streams are closed (their cache freed). ARCHITECTURE.md "Many streams".

Work is taken in turns: a batch of one stream's queued transcript (up to the first summary it makes
due, and that summary), then the next stream's, questions first between turns. A question waits while
a summary is being generated (one model, one thread); its client decides how long it waits. Heartbeats
continue during generation.
"""

from __future__ import annotations

import logging
import os
import resource
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import zmq

from pipeline import reliable, security, transport
from pipeline.errors import ConfigError, InputError
from pipeline.load import FULL, Admission, BusyMeter, LagMeter, caption_lags
from pipeline.messages import (
    EndOfStream,
    Error,
    Message,
    Question,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
)  # fmt: skip
from pipeline.publisher import Publisher
from pipeline.runner import StopFlag
from pipeline.threads import host_load, lower_priority
from stages.settings import AppConfig, stream_id_problem
from stages.summarize.catalog import check_name, default_session_dir, session_dir, session_path, session_ref  # noqa: F401
from stages.summarize.catalog import shelf as shelf_of
from stages.summarize.hosted import HostedStream, SharedModel, question_problem
from stages.summarize.notes import Notes
from stages.summarize.store import SessionFenced, StoreBase
from stages.summarize.summarizer import Summarizer

log = logging.getLogger(__name__)
REMEMBERED_ENDS = 64  # ended streams whose acknowledgement is still published (a sender may resend its end)
HOSTED_KEY = "hosted"  # meta key: "1" on a session a service (summarize.max_streams) opened


def build_summarizer(cfg: AppConfig, store: StoreBase) -> Summarizer:
    """Load the model and open its sink-window session framed by the system prompt."""
    return SharedModel(cfg).summarizer(store)


def rss_bytes() -> int:
    """Current resident set size (Linux /proc), falling back to the peak."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class SummarizeServer:
    """The socket side of the stage and the schedule between its streams."""

    def __init__(self, cfg: AppConfig, stop: StopFlag, model: SharedModel | None = None) -> None:
        self.cfg = cfg
        self.stop = stop
        self.model = model or SharedModel(cfg)
        self.hosting = cfg.summarize.max_streams > 0
        self.shelf = shelf_of(cfg)  # hosting: where each stream's session is kept (files or PostgreSQL)
        ctx = zmq.Context.instance()
        ep = cfg.endpoints
        # Which key may read and send which stream (KEYS_DIR/streams.toml); None: every admitted key all.
        self.access = security.access_list(cfg.security)
        identify = self.access is not None
        self.inbox = transport.Receiver(
            transport.open_socket(ctx, "pull", ep.transcript, bind=True, security=cfg.security), "transcript",
            identify=identify,
        )  # fmt: skip
        self.pub = Publisher(ctx, ep.summary, hwm=cfg.summarize.hwm, security=cfg.security, access=self.access)
        self.requests = transport.Receiver(
            transport.open_socket(ctx, "router", ep.requests, bind=True, hwm=cfg.summarize.hwm, security=cfg.security),
            "requests",
            envelope_frames=1,
            identify=identify,
        )
        self.denied = 0  # requests and transcript refused by the access list
        self.streams: dict[str, HostedStream] = {}  # live sessions, in round-robin order
        self.only: HostedStream | None = None  # the one session when not hosting
        self.service_seq = 0  # hosting: the service heartbeat's own sequence
        # Hosting: streams ended (or failed) here lately, with the acknowledgement their sender may still need.
        self.done: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.refused: OrderedDict[str, str] = OrderedDict()  # hosting: streams not admitted, and why
        self.failures = 0  # hosting: streams ended by an error in their own processing
        self.fenced = 0  # hosting: streams dropped because another host claimed their session
        self._last_status = 0.0
        self._turn = 0  # round-robin position
        # Hosting: the model's time per stream, and admission by it (pipeline/load.py): one stream more is
        # refused when the live ones and one like them would take more than `admit_load` of the model's time.
        self.meter = BusyMeter(cfg.summarize.admit_window_s)
        # Judged once a stream has been live for two summary periods (a summary is most of a stream's cost,
        # so a minute of ingest alone says too little), a minute at least, half the window at most.
        observe = min(max(60.0, 2 * cfg.summarize.summary_every_s), cfg.summarize.admit_window_s / 2)
        self.admission = Admission(cfg.summarize.admit_load, observe, cfg.summarize.admit_lag_s)
        # ... and each live stream's caption latency, which shows transcription's load (`Admission.late`).
        self.lags = LagMeter(cfg.summarize.admit_window_s)

    def close(self) -> None:
        for st in list(self.streams.values()):
            st.close()
        self.streams.clear()
        if (close := getattr(self.shelf, "close", None)) is not None:
            close()
        for sock in (self.inbox.sock, self.pub.sock, self.requests.sock):
            sock.close(linger=0)

    # -- publishing ---------------------------------------------------------------------------------
    def publish(self, msg: Message) -> None:
        self.pub.send(msg)

    def _common(self) -> dict[str, Any]:
        common = {
            "instance": reliable.INSTANCE,
            "rss_bytes": rss_bytes(),
            "malformed": self.inbox.counters.malformed + self.requests.counters.malformed,
        }
        if self.access is not None:  # what the access list refused: requests and transcript, subscriptions
            common |= {"denied": self.denied, "denied_subscriptions": self.pub.refused}
        return common

    def heartbeat(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_status < self.cfg.heartbeat_s:
            return
        self._last_status = time.monotonic()
        common = self._common()
        if not self.hosting:
            assert self.only is not None
            self.publish(self.only.status(common))
            return
        # The service's heartbeat: every stream's acknowledgement (senders read theirs from it) ...
        acks = {name: st.ack() for name, st in self.streams.items()} | dict(self.done)
        self.lags.note_count(list(self.streams), self.admission.min_observed_s)  # what each count cost the captions
        self.service_seq += 1
        self.publish(Status(self.cfg.stream, self.service_seq, "summarize", time.time(), common | {
            "hosting": self.cfg.summarize.max_streams, "sessions": len(self.streams),
            "model_loads": self.model.loads, "refused": len(self.refused), "failures": self.failures,
            "fenced": self.fenced, "host_load": host_load(),
            "model_busy": {name: round(share, 3) for name, share in self.meter.shares().items()},
            "caption_p95_s": self.lags.p95s(),
            "streams": acks,
        }))  # fmt: skip
        # ... and each stream's own, on its topic, for whoever follows that one meeting.
        for st in self.streams.values():
            self.publish(st.status(common | {"hosting": self.cfg.summarize.max_streams}))

    def _on_piece(self, _piece: str) -> None:
        self.heartbeat()  # a long generation must not look like a dead stage

    # -- streams --------------------------------------------------------------------------------------
    def open_stream(self, name: str, store: StoreBase) -> HostedStream:
        if self.hosting and store.meta().get(HOSTED_KEY) != "1":
            store.set_meta({HOSTED_KEY: "1"})  # a service's session: its restart finishes it (finish_interrupted)
        st = HostedStream(self.cfg, name, store, self.publish)
        resumed = st.attach(self.model.summarizer(store))
        self.streams[name] = st
        self.meter.open(name)
        self.lags.open(name)
        log.info("summarize: stream %s in session %s%s (%d live)", name, store.where,
                 f", resumed {resumed} segments" if resumed else "", len(self.streams))  # fmt: skip
        return st

    def finish_interrupted(self) -> int:
        """Hosting, at start: a service session whose end was stored but whose final summary was not
        made (the service died in between; its client had its end confirmed and is gone, so nobody
        will send that stream again) gets its final summary now. Only sessions a service opened
        (`HOSTED_KEY`): a single pipeline's session in the same folder finishes under its own stage."""
        finished = 0
        for name in self.shelf.names():
            try:
                store = self.shelf.open_existing(name)
            except (InputError, OSError, sqlite3.Error) as exc:  # not a session we can read: not ours to finish
                log.warning("summarize: session %s not checked for a final summary: %s", name, exc)
                continue
            if store.meta().get(HOSTED_KEY) != "1" or store.ended() is None:
                store.close()
                continue
            # No claim here: in a cluster another live host may be making this final summary right now (it
            # stored the end a moment ago), and a claim would fence it before its `eos` reached the client
            # (seen in tests/test_cluster.py). Both may then store a final summary (Known gaps).
            st = HostedStream(self.cfg, name, store, self.publish)
            st.attach(self.model.summarizer(store))
            if (end := st.unfinished_end()) is not None:
                log.info("summarize: stream %s ended before its final summary was made: making it now", name)
                st.finish(str(end.get("reason") or "eof"), float(end.get("audio_seconds") or 0.0), on_piece=self._on_piece)
                self._remember_end(name, store, st.pub_seq)
                finished += 1
            st.close()
        return finished

    def _refuse(self, name: str, reason: str) -> None:
        if name not in self.refused:
            log.warning("summarize: stream %s refused: %s", name, reason)
        self.refused[name] = reason
        self.refused.move_to_end(name)
        while len(self.refused) > REMEMBERED_ENDS:
            self.refused.popitem(last=False)

    def admit(self, name: str, resume: bool = False) -> HostedStream | None:
        """The live session of stream `name`, opened (or resumed from its store) on first sight; None
        when the stream has ended, or is refused (too many live streams, or a name that cannot be a
        session name). `resume` (a sender asking where to start): a session that ended otherwise than
        at the end of its recording (a lost client, a Ctrl-C) continues."""
        if not self.hosting:
            return self.only
        if (st := self.streams.get(name)) is not None:
            return st
        if name in self.done and not resume:
            return None
        limit = self.cfg.summarize.max_streams
        if len(self.streams) >= limit:
            self._refuse(name, f"{FULL} {limit} live streams (--max-streams {limit})")
            return None
        # The time the model has left; and, for a stream new here, whether transcription still keeps the live
        # streams in real time (a stream with a session here continues: a client's restart, a stream moved
        # to this host from a lost one).
        live = list(self.streams)
        if reason := self.admission.refusal(self.meter, live) or (
                not self._known(name) and self.admission.late(self.lags, live)):  # fmt: skip
            self._refuse(name, reason)
            return None
        try:
            check_name(name)
        except ConfigError as exc:  # not a plain name
            self._refuse(name, str(exc))
            return None
        if problem := stream_id_problem(name):  # it would overwrite a key of transcribe's heartbeat
            self._refuse(name, problem)
            return None
        self.refused.pop(name, None)
        store = self.shelf.open(name, name)
        end = store.ended()
        if end is not None and not (resume and end.get("reason") != "eof"):  # its session is over
            # No claim: another host may be making its final summary right now (a stream moved while its
            # end was being finished), and fencing it would lose that summary and the `eos`.
            self._remember_end(name, store, int(self.done.get(name, {}).get("pub_seq", 0)))
            store.close()
            return None
        # This host is now the session's only writer: in a cluster a host wrongly declared lost may still
        # hold it, and its next write fails instead of interleaving with ours (see `take_turn`).
        store.claim()
        end = store.ended()  # read again under the claim: the previous writer may have stored it meanwhile
        if end is not None and resume and end.get("reason") != "eof":
            store.reopen()
            log.info("summarize: stream %s continues its session (it ended: %s)", name, end.get("reason"))
        elif end is not None:
            self._remember_end(name, store, int(self.done.get(name, {}).get("pub_seq", 0)))
            store.close()
            return None
        self.done.pop(name, None)
        return self.open_stream(name, store)

    def _remember_end(self, name: str, store: StoreBase, pub_seq: int, error: str = "") -> None:
        ack = {"stored_seq": store.last_seq(), "stored_end": store.last_end(), "ended": not error,
               "pub_seq": pub_seq}  # fmt: skip
        if error:
            ack["error"] = error
        self.done[name] = ack
        while len(self.done) > REMEMBERED_ENDS:
            self.done.popitem(last=False)

    def finish(self, st: HostedStream, error: str = "") -> None:
        """Hosting: an ended (or failed) stream leaves: its cache is freed, its store closed."""
        self._remember_end(st.stream, st.store, st.pub_seq, error)
        del self.streams[st.stream]
        self.meter.close(st.stream)
        self.lags.close(st.stream)
        st.close()
        log.info("summarize: stream %s %s; %d live", st.stream, f"failed: {error}" if error else "ended",
                 len(self.streams))  # fmt: skip

    def _fenced(self, st: HostedStream, exc: SessionFenced) -> None:
        """Another host claimed this stream's session (a cluster moved the stream while this host was
        thought lost): drop it without writing or publishing anything more for it."""
        log.warning("summarize: stream %s moved to another writer: %s", st.stream, exc)
        self.fenced += 1
        self.finish(st, error=f"moved: {exc}"[:200])
        self.heartbeat(force=True)

    # -- requests -------------------------------------------------------------------------------------
    def serve_request(self, envelope: list[bytes], msg: Message) -> None:
        if isinstance(msg, SnapshotRequest | Question) and (refusal := self._denied(msg)):
            reply = refusal
        elif isinstance(msg, SnapshotRequest | Question):
            reply = self._route_request(msg)
        else:
            reply = Error(self._reply_stream(msg), self._reply_seq(msg), getattr(msg, "request_id", ""),
                          f"unexpected {msg.type} request")  # fmt: skip
        transport.send(self.requests.sock, reply, envelope=envelope, flags=zmq.NOBLOCK)

    def _denied(self, msg: SnapshotRequest | Question) -> Error | None:
        """The access list's refusal of a request (None when allowed): reading a stream (a snapshot, a
        question) needs read permission, admitting one (`resume`: a sender starting) send permission.
        The same refusal whether or not the stream exists: a key learns nothing of others' streams."""
        if self.access is None:
            return None
        user = self.requests.last_user
        stream = self._reply_stream(msg)
        sending = isinstance(msg, SnapshotRequest) and msg.resume
        if (self.access.may_send if sending else self.access.may_read)(user, stream):
            return None
        self.denied += 1
        verb = "send" if sending else "read"
        log.warning("summarize: key %s may not %s stream %s: refused", user or "(none)", verb, stream)
        return Error(stream, 0, msg.request_id, f"stream {stream}: key {user or '(none)'} may not {verb} it "
                     f"(the service's access list, {self.access.path})")  # fmt: skip

    def _reply_stream(self, msg: Message) -> str:
        return self.cfg.stream if not self.hosting else msg.stream

    def _reply_seq(self, msg: Message) -> int:
        st = self.only if not self.hosting else self.streams.get(msg.stream)
        return st.pub_seq if st is not None else 0

    def _route_request(self, msg: SnapshotRequest | Question) -> Message:
        if not self.hosting:
            assert self.only is not None
            return self._serve(self.only, msg)
        name = msg.stream
        st = self.streams.get(name)
        drain = True
        if st is None and isinstance(msg, SnapshotRequest) and msg.resume:
            drain = self._known(name)
            if drain:  # a restarted sender: what it sent before is stored first
                self.drain_transcript()
            # A new stream has sent nothing yet: draining would first run every live stream's backlog and
            # the summaries it makes due (bench.admission: a third client's admission got no reply within
            # 120 s while two streams' summaries ran).
            st = self.streams.get(name) or self.admit(name, resume=True)
        if st is not None:
            try:
                return self._serve(st, msg, drain)
            except SessionFenced as exc:
                self._fenced(st, exc)
                return Error(name, 0, msg.request_id, f"stream {name} moved to another host: ask again")
        return self._serve_closed(name, msg)

    def _serve(self, st: HostedStream, msg: SnapshotRequest | Question, drain: bool = True) -> Message:
        if isinstance(msg, SnapshotRequest):
            if msg.resume and drain:
                self.drain_transcript()
                if self.hosting and self.streams.get(st.stream) is not st:  # it failed or moved meanwhile
                    return self._serve_closed(st.stream, msg)
            return st.snapshot(msg.request_id)
        with self._timed(st.stream):
            return st.answer(msg, on_piece=self._on_piece)

    @contextmanager
    def _timed(self, stream: str) -> Iterator[None]:
        """The model's time spent for `stream` (its turn, its question), for admission by load."""
        start = self.meter.clock()
        try:
            yield
        finally:
            if stream in self.streams:  # a stream that ended in its turn has left the meter with its session
                self.meter.add(stream, start, self.meter.clock())

    def _known(self, name: str) -> bool:
        """Whether stream `name` has a session here already (ended, or stored before a restart)."""
        return name in self.done or self._has_session(name)

    def _has_session(self, name: str) -> bool:
        try:
            check_name(name)
        except ConfigError:
            return False
        return self.shelf.exists(name)

    def _stored(self, name: str) -> StoreBase | None:
        return self.shelf.open_existing(name) if self._has_session(name) else None

    def _serve_closed(self, name: str, msg: SnapshotRequest | Question) -> Message:
        """Hosting: a request about a stream that is not live: from its stored session (a snapshot read
        from the store; a question answered by a summarizer opened for it alone), else an error."""
        request_id = msg.request_id
        if name in self.refused:
            return Error(name, 0, request_id, f"stream {name} refused: {self.refused[name]}")
        if str(self.done.get(name, {}).get("error", "")).startswith("moved"):  # fenced here: another host has it
            return Error(name, 0, request_id, f"stream {name} moved to another host: ask again")
        store = self._stored(name)
        if store is None:
            user = self.requests.last_user
            live = ", ".join(s for s in self.streams if self.access is None or self.access.may_read(user, s)) or "none"
            return Error(name, 0, request_id, f"no stream {name!r} on this service (live streams: {live})")
        try:
            pub_seq = int(self.done.get(name, {}).get("pub_seq", 0))
            if isinstance(msg, SnapshotRequest):
                return stored_snapshot(store, name, request_id, pub_seq)
            text = msg.text.strip()
            problem = question_problem(text, self.cfg.summarize.question_max_chars)
            if problem:
                return Error(name, pub_seq, request_id, problem)
            if store.count_segments() == 0:
                return Error(name, pub_seq, request_id, f"stream {name} has no transcript yet: nothing to answer from")
            st = HostedStream(self.cfg, name, store, self.publish)
            st.attach(self.model.summarizer(store))
            st.pub_seq = pub_seq
            reply = st.answer(msg, on_piece=self._on_piece)
            st.close()
            return reply
        finally:
            store.close()

    def drain_transcript(self, quiet_s: float = 0.2, limit: int = 100_000) -> None:
        """Store what is queued on the transcript socket (a dead sender's last segments) before telling
        a restarted sender where to resume: otherwise both would number the same segments."""
        for _ in range(limit):
            self.read_transcript()
            if not any(st.pending for st in self.streams.values()):
                if not self.inbox.poll(quiet_s):
                    return
                continue
            self.take_turn()

    # -- transcript -----------------------------------------------------------------------------------
    def read_transcript(self) -> None:
        """Move what the socket holds into each stream's queue, up to a bound (the rest waits in the
        socket: lossless back-pressure), so every stream with input gets its turn."""
        bound = max(1, self.cfg.summarize.max_streams) * self.cfg.summarize.ingest_batch * 2
        queued = sum(len(st.pending) for st in self.streams.values())
        while queued < bound:
            got = self.inbox.recv(timeout_s=0)
            if got is None:
                return
            msg = got[1]
            if not isinstance(msg, Segment | EndOfStream):
                self.inbox.counters.count_malformed("transcript", ValueError(f"unexpected {msg.type} message"))
                continue
            if self.access is not None and not self.access.may_send(self.inbox.last_user, msg.stream):
                self.denied += 1  # only transcribe (the service's own key) feeds a service's streams
                log.warning("summarize: key %s may not send stream %s: transcript dropped", self.inbox.last_user,
                            msg.stream)  # fmt: skip
                continue
            st = self.admit(msg.stream)
            if st is None:
                if self.hosting and msg.stream in self.done and isinstance(msg, EndOfStream):
                    self.heartbeat(force=True)  # a resent end: say again that it is done
                continue
            st.pending.append(msg)
            st.last_input = time.monotonic()
            if self.hosting and isinstance(msg, Segment) and msg.wall > 0:
                self.lags.add(msg.stream, caption_lags(msg))
            queued += 1

    def take_turn(self) -> bool:
        """One batch of the next stream (round robin) that has queued transcript; False if none has."""
        waiting = [st for st in self.streams.values() if st.pending]
        if not waiting:
            return False
        names = list(self.streams)
        st = min(waiting, key=lambda s: (names.index(s.stream) - self._turn) % len(names))
        self._turn = (names.index(st.stream) + 1) % max(1, len(names))
        if not self.hosting:
            self._process(st)
            return True
        try:
            with self._timed(st.stream):
                self._process(st)
        except SessionFenced as exc:
            self._fenced(st, exc)
        except Exception as exc:  # one stream's failure must not end the others' (ARCHITECTURE "Many streams")
            log.exception("summarize: stream %s failed", st.stream)
            self.failures += 1
            self.finish(st, error=f"{type(exc).__name__}: {exc}"[:200])
            self.heartbeat(force=True)
        return True

    def _process(self, st: HostedStream) -> None:
        """A backlog of segments (a fast replay, after a stall) goes into the model in one prefill."""
        batch: list[Segment] = []
        while st.pending and isinstance(st.pending[0], Segment) and len(batch) < self.cfg.summarize.ingest_batch:
            batch.append(st.pending.popleft())  # type: ignore[arg-type]
        if batch:
            # What follows a summary waits for the next turn, at the front of the queue (order kept).
            st.pending.extendleft(reversed(st.handle_segments(batch, on_piece=self._on_piece)))
            return
        end = st.pending.popleft()
        assert isinstance(end, EndOfStream)
        if not st.handle_end(end):
            self.heartbeat(force=True)
            return
        self.heartbeat(force=True)  # `ended`: the sender stops waiting before the final summary is made
        st.finish(end.reason, end.audio_seconds, on_piece=self._on_piece)
        self.heartbeat(force=True)
        if self.hosting:
            self.finish(st)
            self.heartbeat(force=True)

    # -- loop -------------------------------------------------------------------------------------------
    def run(self) -> None:
        poller = zmq.Poller()
        poller.register(self.inbox.sock, zmq.POLLIN)
        poller.register(self.requests.sock, zmq.POLLIN)
        while not self.stop.is_set():
            self.pub.grant_pending()
            self.heartbeat()
            busy = any(st.pending for st in self.streams.values())
            ready = dict(poller.poll(0 if busy else 100))
            # Questions first: a person is waiting; transcript waits losslessly in its queue.
            if self.requests.sock in ready and (got := self.requests.recv(timeout_s=0)) is not None:
                self.serve_request(*got)
            self.read_transcript()
            if self.take_turn() and self.only is not None and self.only.ended and self.cfg.exit_after_eos:
                break

    def flush_on_stop(self) -> None:
        """Stopped mid-stream: still flush a final summary of each live stream (no eos: it did not end)."""
        for st in list(self.streams.values()):
            if not st.ended and st.core.last_seq > st.core.summary_upto_seq:
                try:
                    st.publish_summary(final=True)
                except SessionFenced as exc:  # moved to another host: its summary is that host's now
                    log.warning("summarize: stream %s not flushed: %s", st.stream, exc)
                    continue
                time.sleep(0.2)  # PUB: let the last message leave before the socket closes


def stored_snapshot(store: StoreBase, name: str, request_id: str, pub_seq: int) -> Snapshot:
    """A snapshot of a stream that is not live, read from its session file (no model needed)."""
    summary = store.latest_summary()
    end = store.ended() or {}
    items = Notes.from_json(store.latest_notes() or []).messages() if summary else ()
    return Snapshot(name, pub_seq, request_id, pub_seq, summary.text if summary else "",
                    summary.upto_seq if summary else -1, summary.upto if summary else 0.0, store.last_seq(),
                    store.last_end(), bool(end), final=bool(end) and bool(summary and summary.final),
                    session=store.name, source=store.meta().get("source_name", ""),
                    end_reason=end.get("reason", ""), audio_seconds=float(end.get("audio_seconds", 0.0)),
                    items=items)  # fmt: skip


def run(cfg: AppConfig, stop: StopFlag) -> int:
    if cfg.summarize.nice:  # before any thread starts: the model's pool inherits it
        log.info("summarize: running at nice %d", lower_priority(cfg.summarize.nice))
    # Bind before loading the model (seconds): upstream connects and its segments wait in our queue
    # instead of in the sender's, which gives up on them when it exits.
    server = SummarizeServer(cfg, stop)
    try:
        if server.hosting:
            server.model.load()
            log.info("summarize: hosting up to %d streams: %s -> %s (questions on %s), sessions in %s",
                     cfg.summarize.max_streams, cfg.endpoints.transcript, cfg.endpoints.summary,
                     cfg.endpoints.requests, server.shelf.where)  # fmt: skip
            server.finish_interrupted()
        else:
            store = session_ref(cfg).open(cfg.stream)
            server.only = HostedStream(cfg, cfg.stream, store, server.publish)
            server.streams[cfg.stream] = server.only
            resumed = server.only.attach(server.model.summarizer(store))
            log.info("summarize: %s -> %s (questions on %s), session %s%s", cfg.endpoints.transcript,
                     cfg.endpoints.summary, cfg.endpoints.requests, store.where,
                     f", resumed {resumed} segments" if resumed else "")  # fmt: skip
            if (end := server.only.unfinished_end()) is not None:  # died between the stored end and its summary
                server.only.finish(str(end.get("reason") or "eof"), float(end.get("audio_seconds") or 0.0),
                                   on_piece=server._on_piece)  # fmt: skip
                server.heartbeat(force=True)
        server.run()
        if stop.is_set():
            server.flush_on_stop()
    finally:
        server.close()
    return 0
