"""End-to-end delivery across stage restarts: peers' heartbeats as acknowledgements.

ZeroMQ's PUSH/PULL is lossless only while both processes live: whatever sits in the queue of a process
that is killed is gone. So each lossless link keeps what it sent until the consumer says, in the Status
heartbeat it publishes anyway, how far it got, and sends it again when the consumer restarted:

- transcribe/text -> summarize: `AckedSender` keeps Segments and the EndOfStream until summarize's
  Status reports `stored_seq` (every segment up to it is in the SQLite file) and `ended`. Summarize
  takes segments strictly in order (seq == stored_seq + 1), so a resend after its restart (a new
  `instance` in its Status) repairs any gap, and a duplicate is ignored.
- capture -> transcribe: capture keeps a ring of recent audio and rewinds to the position a restarted
  transcribe asks for (see stages/capture.py); `PeerWatch` is how it follows transcribe's Status.

Every stage puts a random `instance` id (new per process start) in its Status counters.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any

import zmq

from pipeline import transport, wire
from pipeline.messages import EndOfStream, Message, Segment, Status
from pipeline.security import Security

log = logging.getLogger(__name__)
INSTANCE = uuid.uuid4().hex[:12]  # this process's instance id, published in its Status


class PeerWatch:
    """Follows one stage's Status heartbeats on a PUB socket: its latest counters and its restarts."""

    def __init__(self, endpoint: str, stage: str, security: Security | None = None, stream: str | None = None) -> None:
        self.stage = stage
        # `stream`: also by that stream's name, so that a service under an access list (which sends a
        # client no service-wide heartbeat) publishes that stream's share of it (pipeline/publisher.py).
        topics = (wire.topic_prefix("status"),) + ((wire.topic_prefix("status", stream),) if stream else ())
        sock = transport.open_socket(zmq.Context.instance(), "sub", endpoint, bind=False, subscribe=topics,
                                     security=security)  # fmt: skip
        self.receiver = transport.Receiver(sock, f"{stage} status")
        self.stream = stream
        self.instance: str | None = None  # the peer process we last heard from
        self.counters: dict[str, Any] = {}
        # A summarize hosting many streams (`summarize.max_streams`) acknowledges per stream: its service
        # heartbeat carries `streams` {id: {stored_seq, stored_end, ended[, error]}} and each stream's
        # own heartbeat its counters. Its top-level counters are then no one stream's acknowledgement.
        self.hosting = False
        self.acks: dict[str, dict[str, Any]] = {}

    def poll(self, timeout_s: float = 0.0) -> bool:
        """Read what arrived (waiting at most `timeout_s` for the first); True if the peer restarted."""
        restarted = False
        got = self.receiver.recv(timeout_s=timeout_s)
        while got is not None:
            msg = got[1]
            if isinstance(msg, Status) and msg.stage == self.stage and not self._elsewhere(msg):
                instance = str(msg.counters.get("instance", ""))
                if self.instance is not None and instance != self.instance:
                    restarted = True
                    log.warning("%s restarted (instance %s -> %s)", self.stage, self.instance, instance)
                    self.acks.clear()  # the new process's acknowledgements only
                self.instance = instance
                self._take(msg)
            got = self.receiver.recv(timeout_s=0)
        return restarted

    def _elsewhere(self, msg: Status) -> bool:
        """Another stream's share of a heartbeat: behind a cluster gateway it may come from another host
        (another instance), which says nothing about the peer that holds our stream (pipeline/gateway.py)."""
        return bool(self.stream and msg.counters.get("stream_only") and msg.stream != self.stream)

    def _take(self, msg: Status) -> None:
        c = msg.counters
        if c.get("stream_only"):  # one stream's share of a service heartbeat (under an access list)
            positions = self.counters.get("positions")
            merged = dict(positions) if isinstance(positions, dict) else {}
            if isinstance(c.get("positions"), dict):
                merged.update(c["positions"])
            self.counters = self.counters | c | {"positions": merged}
            return
        if not c.get("hosting"):
            self.hosting, self.counters = False, c
            return
        self.hosting = True
        streams = c.get("streams")
        if isinstance(streams, dict):  # the service heartbeat: every stream's acknowledgement
            self.acks.update({k: v for k, v in streams.items() if isinstance(v, dict)})
        else:  # one stream's heartbeat
            self.acks[msg.stream] = {k: c.get(k) for k in ("stored_seq", "stored_end", "ended")}

    def ack(self, stream: str) -> dict[str, Any]:
        """The acknowledgement that applies to `stream`: its own when the peer hosts many streams."""
        return self.acks.get(stream, {}) if self.hosting else self.counters

    def wait_heard(self, timeout_s: float, should_stop: Callable[[], bool]) -> bool:
        """Wait until one Status of the peer arrived; False on timeout or stop."""
        deadline = time.monotonic() + timeout_s
        while self.instance is None:
            if should_stop() or time.monotonic() > deadline:
                return False
            self.poll(0.2)
        return True

    def close(self) -> None:
        self.receiver.sock.close(linger=0)


class AckedSender:
    """A lossless PUSH whose Segments and EndOfStream are kept until summarize confirms them stored."""

    def __init__(
        self,
        sock: zmq.Socket,
        watch: PeerWatch | None,
        should_stop: Callable[[], bool],
        max_unacked: int = 20_000,
    ) -> None:
        self.sock = sock
        self.watch = watch  # None: no acknowledgements (a consumer that is not summarize)
        self.should_stop = should_stop
        self.max_unacked = max_unacked
        self.unacked: deque[Message] = deque()
        self.resent = 0
        self.given_up = 0  # messages dropped from `unacked` because the bound was reached
        self.failed: dict[str, str] = {}  # streams a hosting summarize gave up on, and why

    def send(self, msg: Message, timeout_s: float | None = None) -> bool:
        """Send losslessly (waiting while the consumer is busy or absent, or at most `timeout_s` even
        when stopping: for the end of stream) and keep it until confirmed."""
        if self.watch is not None:
            self.unacked.append(msg)
            if len(self.unacked) > self.max_unacked:
                self.unacked.popleft()
                self.given_up += 1
                if self.given_up == 1:
                    log.error("summarize has not confirmed %d messages: no longer keeping the oldest", self.max_unacked)
        if timeout_s is None:
            ok = transport.send_waiting(self.sock, msg, self.should_stop)
        else:
            ok = transport.send_within(self.sock, msg, timeout_s)
        self.poll()
        return ok

    def poll(self, timeout_s: float = 0.0) -> None:
        """Apply the consumer's latest acknowledgement; after its restart, send everything unconfirmed again."""
        if self.watch is None:
            return
        restarted = self.watch.poll(timeout_s)
        self._prune()
        if restarted and self.unacked:
            log.warning("resending %d unconfirmed messages (seq %d..) to the restarted consumer",
                        len(self.unacked), self.unacked[0].seq)  # fmt: skip
            for msg in list(self.unacked):
                if not transport.send_waiting(self.sock, msg, self.should_stop):
                    return
                self.resent += 1

    def _prune(self) -> None:
        if self.watch is None:
            return
        if not self.watch.hosting:  # one stream: confirmations come in order
            while self.unacked and self._confirmed(self.unacked[0], self.watch.counters):
                self.unacked.popleft()
            return
        # Many streams: each is confirmed on its own, so a confirmed message may follow an unconfirmed one.
        kept: deque[Message] = deque()
        for msg in self.unacked:
            ack = self.watch.ack(msg.stream)
            if ack.get("error"):
                if msg.stream not in self.failed:
                    self.failed[msg.stream] = str(ack["error"])
                    log.error("summarize gave up on stream %s: %s", msg.stream, ack["error"])
                continue
            if not self._confirmed(msg, ack):
                kept.append(msg)
        self.unacked = kept

    @staticmethod
    def _confirmed(msg: Message, ack: dict[str, Any]) -> bool:
        stored = ack.get("stored_seq")
        if not isinstance(stored, int):
            return False
        if isinstance(msg, Segment):
            return msg.seq <= stored
        return isinstance(msg, EndOfStream) and bool(ack.get("ended")) and stored >= msg.seq - 1

    def wait_confirmed(self, timeout_s: float) -> bool:
        """After the end of stream: wait until everything is confirmed (resending after restarts), and
        give up after `timeout_s` without progress. A consumer still storing what it was sent is slow,
        not gone (a text replay at full speed hands a busy model the whole meeting at once). Progress is
        fewer messages unconfirmed than ever before: a restarted consumer's counters going back and
        forth is not progress."""
        if self.watch is None:
            return True
        deadline = time.monotonic() + timeout_s
        fewest = len(self.unacked)
        while self.unacked:  # a stop does not cut this short: flushing the end is what stopping means
            self.poll(0.2)
            if len(self.unacked) < fewest:
                fewest, deadline = len(self.unacked), time.monotonic() + timeout_s
            elif self.unacked and time.monotonic() > deadline:
                return False
        return True

    def oldest_unacked_start(self, stream: str | None = None) -> float | None:
        """Audio time of the oldest segment (of `stream`, or of any) not yet confirmed (audio before it
        is never needed again)."""
        for msg in self.unacked:
            if isinstance(msg, Segment) and (stream is None or msg.stream == stream):
                return msg.start
        return None

    def holds(self, stream: str) -> bool:
        """Something of `stream` is not confirmed yet (its end included)."""
        return any(msg.stream == stream for msg in self.unacked)
