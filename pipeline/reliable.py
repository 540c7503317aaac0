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

    def __init__(self, endpoint: str, stage: str, security: Security | None = None) -> None:
        self.stage = stage
        sock = transport.open_socket(
            zmq.Context.instance(), "sub", endpoint, bind=False, subscribe=(wire.topic_prefix("status"),),
            security=security,
        )  # fmt: skip
        self.receiver = transport.Receiver(sock, f"{stage} status")
        self.instance: str | None = None  # the peer process we last heard from
        self.counters: dict[str, Any] = {}

    def poll(self, timeout_s: float = 0.0) -> bool:
        """Read what arrived (waiting at most `timeout_s` for the first); True if the peer restarted."""
        restarted = False
        got = self.receiver.recv(timeout_s=timeout_s)
        while got is not None:
            msg = got[1]
            if isinstance(msg, Status) and msg.stage == self.stage:
                instance = str(msg.counters.get("instance", ""))
                if self.instance is not None and instance != self.instance:
                    restarted = True
                    log.warning("%s restarted (instance %s -> %s)", self.stage, self.instance, instance)
                self.instance, self.counters = instance, msg.counters
            got = self.receiver.recv(timeout_s=0)
        return restarted

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
        c = self.watch.counters if self.watch else {}
        stored = c.get("stored_seq")
        if not isinstance(stored, int):
            return
        while self.unacked:
            msg = self.unacked[0]
            if isinstance(msg, Segment) and msg.seq <= stored:
                self.unacked.popleft()
            elif isinstance(msg, EndOfStream) and c.get("ended") and stored >= msg.seq - 1:
                self.unacked.popleft()
            else:
                break

    def wait_confirmed(self, timeout_s: float) -> bool:
        """After the end of stream: wait until everything is confirmed (resending after restarts)."""
        if self.watch is None:
            return True
        deadline = time.monotonic() + timeout_s
        while self.unacked:  # a stop does not cut this short: flushing the end is what stopping means
            if time.monotonic() > deadline:
                return False
            self.poll(0.2)
        return True

    def oldest_unacked_start(self) -> float | None:
        """Audio time of the oldest segment not yet confirmed (audio before it is never needed again)."""
        for msg in self.unacked:
            if isinstance(msg, Segment):
                return msg.start
        return None
