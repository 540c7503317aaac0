"""Summarize stage: committed transcript in (lossless PULL), summaries and answers out (PUB + ROUTER).

Sockets, all used from this one thread:
- PULL `transcript`: Segment and EndOfStream from transcribe (or from `replay --text`).
- PUB `summary`: topics summary, answer, segment (the transcript, republished), status, eos. Summary,
  Answer, Status and EndOfStream carry the publisher's own sequence number, so a late joiner can use
  the Clone pattern: subscribe, request a Snapshot, drop updates whose seq <= Snapshot.pub_seq.
- ROUTER `requests`: Question and SnapshotRequest from DEALER clients; the reply goes to the asker
  (Answer, Snapshot or a one-line Error) and answers are also published.

A question waits while a summary is being generated (one model, one thread); its client decides how
long it waits. Heartbeats continue during generation (between generated pieces).
"""

from __future__ import annotations

import logging
import os
import resource
import time

import zmq

from pipeline import reliable, transport
from pipeline.messages import (
    Answer,
    EndOfStream,
    Error,
    Message,
    Question,
    Segment,
    Snapshot,
    SnapshotRequest,
    Status,
    Summary,
)  # fmt: skip
from pipeline.runner import StopFlag
from stages.settings import AppConfig, auto_threads
from stages.summarize.catalog import default_session_dir, session_path, session_ref  # noqa: F401 (their old home)
from stages.summarize.store import StoreBase
from stages.summarize.summarizer import Summarizer

log = logging.getLogger(__name__)


def build_summarizer(cfg: AppConfig, store: StoreBase) -> Summarizer:
    """Load the model and open its sink-window session framed by the system prompt."""
    from stages.summarize import ModelConfig, SessionConfig, chat_frame, load_model, prompts
    from stages.summarize.session import LMSession

    s = cfg.summarize
    loaded = load_model(ModelConfig(s.model, dtype=s.dtype, threads=auto_threads(s.threads)))
    frame = chat_frame(loaded.tokenizer, prompts.SYSTEM, prompts.STREAM_HEADER)
    session = LMSession(
        loaded.model,
        loaded.tokenizer,
        frame.prefix,
        SessionConfig(
            sink_tokens=s.sink_tokens,
            window_tokens=s.window_tokens,
            headroom_tokens=s.headroom_tokens,
            evict_block=s.evict_block,
            prefill_chunk=s.prefill_chunk,
        ),
    )
    return Summarizer(s, session, frame, store)


def rss_bytes() -> int:
    """Current resident set size (Linux /proc), falling back to the peak."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class SummarizeServer:
    """The socket side of the stage."""

    def __init__(self, cfg: AppConfig, stop: StopFlag) -> None:
        self.cfg = cfg
        self.core: Summarizer  # attached once the model is loaded: sockets are bound first (see run)
        self.stop = stop
        ctx = zmq.Context.instance()
        ep = cfg.endpoints
        self.inbox = transport.Receiver(
            transport.open_socket(ctx, "pull", ep.transcript, bind=True, security=cfg.security), "transcript"
        )
        self.pub = transport.open_socket(ctx, "pub", ep.summary, bind=True, hwm=cfg.summarize.hwm, security=cfg.security)
        self.requests = transport.Receiver(
            transport.open_socket(ctx, "router", ep.requests, bind=True, hwm=cfg.summarize.hwm, security=cfg.security),
            "requests",
            envelope_frames=1,
        )
        self.pub_seq = 0
        self._last_status = 0.0
        self.ended = False  # the stream's end is stored (set from the store at start: a restart after it)
        self.session = ""  # the session's name and what it was recorded from, for people (snapshot, answers)
        self.source = ""

    def close(self) -> None:
        for sock in (self.inbox.sock, self.pub, self.requests.sock):
            sock.close(linger=0)

    # -- publishing ---------------------------------------------------------------------------------
    def publish(self, msg: Message) -> None:
        transport.send(self.pub, msg)

    def next_seq(self) -> int:
        self.pub_seq += 1
        return self.pub_seq

    def heartbeat(self, force: bool = False) -> None:
        if not force and time.monotonic() - self._last_status < self.cfg.heartbeat_s:
            return
        self._last_status = time.monotonic()
        counters = self.core.stats() | {
            "instance": reliable.INSTANCE,
            "rss_bytes": rss_bytes(),
            "malformed": self.inbox.counters.malformed + self.requests.counters.malformed,
            "session": self.core.store.where,
            "ended": self.ended,
        }
        self.publish(Status(self.cfg.stream, self.next_seq(), "summarize", time.time(), counters))

    def _on_piece(self, _piece: str) -> None:
        self.heartbeat()  # a long generation must not look like a dead stage

    def publish_summary(self, final: bool) -> None:
        """Generate and publish a summary; a final one whose summary already covers everything is the
        last summary again, marked final (every stream ends with exactly one final summary)."""
        if final and self.core.summary and self.core.last_seq <= self.core.summary_upto_seq:
            text = self.core.mark_final()
        else:
            text = self.core.summarize(final=final, on_piece=self._on_piece)
        c = self.core
        self.publish(Summary(self.cfg.stream, self.next_seq(), text, c.summary_upto_seq, c.summary_upto,
                             final=final, wall=time.time(), items=c.notes.messages()))  # fmt: skip
        log.info("summary up to segment %d (%.1f s) in %.1f s", c.summary_upto_seq, c.summary_upto,
                 c.counters.last_summary_s)  # fmt: skip

    # -- requests -------------------------------------------------------------------------------------
    def serve_request(self, envelope: list[bytes], msg: Message) -> None:
        if isinstance(msg, SnapshotRequest):
            if msg.resume:
                self.drain_transcript()
            reply: Message = self.snapshot(msg.request_id)
        elif isinstance(msg, Question):
            reply = self.answer(msg)
        else:
            reply = Error(
                self.cfg.stream,
                self.pub_seq,
                getattr(msg, "request_id", ""),
                f"unexpected {msg.type} request",
            )
        transport.send(self.requests.sock, reply, envelope=envelope, flags=zmq.NOBLOCK)

    def snapshot(self, request_id: str) -> Snapshot:
        """The state a late joiner needs, and what a restarted sender needs to resume."""
        c = self.core
        end = (c.store.ended() or {}) if self.ended else {}
        return Snapshot(self.cfg.stream, self.pub_seq, request_id, self.pub_seq, c.summary, c.summary_upto_seq,
                        c.summary_upto, c.last_seq, c.last_end, self.ended, final=self.ended and c.summary_final,
                        session=self.session, source=self.source, end_reason=end.get("reason", ""),
                        audio_seconds=float(end.get("audio_seconds", 0.0)),
                        items=c.notes.messages() if c.summary else ())  # fmt: skip

    def answer(self, q: Question) -> Message:
        text = q.text.strip()
        limit = self.cfg.summarize.question_max_chars
        problem = ""
        if not text:
            problem = "the question is empty"
        elif len(text) > limit:
            problem = f"the question is {len(text)} characters; the limit is {limit}"
        elif any(ord(ch) < 32 and ch not in "\t\n" for ch in text):
            problem = "the question contains control characters"
        if problem:
            self.core.counters.refused_questions += 1
            return Error(self.cfg.stream, self.pub_seq, q.request_id, problem)
        reply_text, citations = self.core.answer(text, on_piece=self._on_piece)
        self.core.store.add_answer(q.request_id, text, reply_text, citations)
        answer = Answer(self.cfg.stream, self.next_seq(), q.request_id, text, reply_text, citations, time.time(),
                        session=self.session)  # fmt: skip
        self.publish(answer)
        return answer

    def drain_transcript(self, quiet_s: float = 0.2, limit: int = 100_000) -> None:
        """Store what is queued on the transcript socket (a dead sender's last segments) before telling
        a restarted sender where to resume: otherwise both would number the same segments."""
        for _ in range(limit):
            got = self.inbox.recv(timeout_s=quiet_s)
            if got is None:
                return
            self.handle_transcript(got[1])

    # -- loop -------------------------------------------------------------------------------------------
    def handle_segments(self, segments: list[Segment]) -> None:
        """Ingest a batch in as few prefills as the summary cadence allows (a batch is cut where a
        summary falls due, so summaries stay on schedule)."""
        pending: list[Segment] = []
        for seg in segments:
            pending.append(seg)
            if self.core.due_after(pending):
                self._ingest(pending)
                pending = []
        if pending:
            self._ingest(pending)

    def _ingest(self, segments: list[Segment]) -> None:
        for seg in self.core.add_segments(segments):
            self.publish(seg)
        if self.core.summary_due():
            self.publish_summary(final=False)

    def handle_transcript(self, msg: Message) -> None:
        if isinstance(msg, Segment):
            self.handle_segments([msg])
        elif isinstance(msg, EndOfStream):
            if msg.seq - 1 > self.core.last_seq:  # segments before it were lost: they will be resent
                self.core.counters.out_of_order += 1
                log.warning("end of stream after segment %d, but only %d stored: waiting for the resend",
                            msg.seq - 1, self.core.last_seq)  # fmt: skip
                return
            if self.ended:  # a resent end of stream: already flushed
                self.heartbeat(force=True)
                return
            # The end is stored and confirmed before the final summary is made: that summary (and the
            # answers after it) can take minutes on a loaded CPU, and the sender must not take that
            # silence for a lost end of stream. A restart before the final summary makes it (see `run`).
            self.core.store.set_ended(msg.reason, msg.audio_seconds)
            self.ended = True
            self.heartbeat(force=True)
            self.finish(msg.reason, msg.audio_seconds)
        else:
            self.inbox.counters.count_malformed("transcript", ValueError(f"unexpected {msg.type} message"))

    def finish(self, reason: str, audio_seconds: float) -> None:
        """After the stored end: the final summary, then the end of stream for subscribers."""
        self.publish_summary(final=True)
        self.heartbeat(force=True)
        self.publish(EndOfStream(self.cfg.stream, self.next_seq(), reason, audio_seconds))

    def run(self) -> None:
        poller = zmq.Poller()
        poller.register(self.inbox.sock, zmq.POLLIN)
        poller.register(self.requests.sock, zmq.POLLIN)
        while not self.stop.is_set():
            self.heartbeat()
            ready = dict(poller.poll(100))
            # Questions first: a person is waiting; transcript waits losslessly in its queue.
            if self.requests.sock in ready and (got := self.requests.recv(timeout_s=0)) is not None:
                self.serve_request(*got)
            if self.inbox.sock in ready and (got := self.inbox.recv(timeout_s=0)) is not None:
                # A backlog of segments (a fast replay, after a stall) goes into the model in one prefill.
                batch = [got[1]]
                while isinstance(batch[-1], Segment) and len(batch) < self.cfg.summarize.ingest_batch:
                    if (more := self.inbox.recv(timeout_s=0)) is None:
                        break
                    batch.append(more[1])
                segments = [m for m in batch if isinstance(m, Segment)]
                if segments:
                    self.handle_segments(segments)
                if not isinstance(batch[-1], Segment):
                    self.handle_transcript(batch[-1])
                if self.ended and self.cfg.exit_after_eos:
                    break


def run(cfg: AppConfig, stop: StopFlag) -> int:
    store = session_ref(cfg).open(cfg.stream)
    # Bind before loading the model (seconds): upstream connects and its segments wait in our queue
    # instead of in the sender's, which gives up on them when it exits.
    server = SummarizeServer(cfg, stop)
    # A stored end stays the truth across a restart (`run`/`replay` reopen a session they resume).
    server.ended = store.ended() is not None
    server.session, server.source = store.name, store.meta().get("source_name", "")
    try:
        core = server.core = build_summarizer(cfg, store)
        resumed = core.resume()
        log.info("summarize: %s -> %s (questions on %s), session %s%s", cfg.endpoints.transcript,
                 cfg.endpoints.summary, cfg.endpoints.requests, store.where,
                 f", resumed {resumed} segments" if resumed else "")  # fmt: skip
        end = store.ended()
        if end is not None and not core.summary_final:  # died between storing the end and its final summary
            server.finish(str(end.get("reason") or "eof"), float(end.get("audio_seconds") or 0.0))
        server.run()
        if stop.is_set() and not server.ended and core.last_seq > core.summary_upto_seq:
            server.publish_summary(final=True)  # stopped mid-stream: still flush a final summary
            time.sleep(0.2)  # PUB: let the last message leave before the socket closes
    finally:
        server.close()
        store.close()
    return 0
