"""ZeroMQ sockets from config endpoints, and receiving that never crashes on bad input.

One socket per thread (pyzmq docs). Every socket gets LINGER 0 (closing never hangs), bounded high-water
marks and, on receiving sockets, ZMQ_MAXMSGSIZE so an oversized frame is dropped by libzmq before it is
ever buffered. Lossless PUSH sockets are flushed explicitly with `close_flushing` after the last message.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import zmq

from pipeline import wire
from pipeline.errors import TransportError
from pipeline.messages import Message
from pipeline.security import Security, secure

log = logging.getLogger(__name__)

_KINDS = {
    "push": zmq.PUSH,
    "pull": zmq.PULL,
    "pub": zmq.PUB,
    "xpub": zmq.XPUB,  # a PUB that grants subscriptions itself (pipeline/publisher.py)
    "sub": zmq.SUB,
    "router": zmq.ROUTER,
    "dealer": zmq.DEALER,
}


@dataclass
class Counters:
    """What a socket did; published in Status heartbeats."""

    received: int = 0
    sent: int = 0
    malformed: int = 0
    last_error: str = ""
    _last_log: float = field(default=0.0, repr=False)

    def count_malformed(self, where: str, error: Exception) -> None:
        self.malformed += 1
        self.last_error = str(error)[:200]
        # Garbage can arrive at thousands per second: log the first and then at most once a second.
        now = time.monotonic()
        if self.malformed == 1 or now - self._last_log > 1.0:
            self._last_log = now
            log.warning("%s: dropped malformed message #%d: %s", where, self.malformed, self.last_error)


def open_socket(
    ctx: zmq.Context,
    kind: str,
    endpoint: str,
    *,
    bind: bool,
    hwm: int = 1000,
    subscribe: tuple[bytes, ...] = (b"",),
    security: Security | None = None,
) -> zmq.Socket:
    """Create, configure and bind or connect one socket; a bind that fails is a one-line TransportError.

    `security` (pipeline.security): loopback only, unless CURVE is configured or insecure is explicit.
    """
    sock = ctx.socket(_KINDS[kind])
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.SNDHWM, hwm)
    sock.setsockopt(zmq.RCVHWM, hwm)
    sock.setsockopt(zmq.MAXMSGSIZE, wire.MAX_MESSAGE_BYTES)
    if kind == "sub":
        for topic in subscribe:
            sock.setsockopt(zmq.SUBSCRIBE, topic)
    if kind == "xpub":
        # Every subscription goes to the application, which applies what the subscriber's key may read.
        sock.setsockopt(zmq.XPUB_MANUAL, 1)
        sock.setsockopt(zmq.XPUB_VERBOSE, 1)  # a second subscriber to the same prefix is asked about too
    if kind == "push":
        # Queue only to connected peers: a lossless sender waits (send_waiting) until the next stage is
        # up instead of filling a queue that is dropped if it exits before the peer ever connects.
        sock.setsockopt(zmq.IMMEDIATE, 1)
    if kind == "router":
        # A reply to a client that has gone away is dropped, not an error that stalls the stage.
        sock.setsockopt(zmq.ROUTER_MANDATORY, 0)
    try:
        secure(sock, endpoint, bind, security)
    except Exception:
        sock.close(linger=0)
        raise
    try:
        if bind:
            sock.bind(endpoint)
        else:
            sock.connect(endpoint)
    except zmq.ZMQError as exc:
        sock.close(linger=0)
        verb = "bind" if bind else "connect to"
        reason = "address already in use (is another sinkscribe running?)" if exc.errno == errno.EADDRINUSE else str(exc)
        raise TransportError(f"cannot {verb} {endpoint}: {reason}") from None
    return sock


def send(sock: zmq.Socket, msg: Message, *, envelope: list[bytes] | None = None, flags: int = 0) -> None:
    """Encode and send (ROUTER replies pass the client identity as `envelope`)."""
    sock.send_multipart([*(envelope or []), *wire.encode(msg)], flags=flags, copy=False)


def send_waiting(sock: zmq.Socket, msg: Message, should_stop: Callable[[], bool], poll_s: float = 0.2) -> bool:
    """Lossless send on a PUSH socket: wait (checking `should_stop`) while the peer's queue is full.

    Returns False only when stopped before the message could be queued.
    """
    frames = wire.encode(msg)
    while not sock.poll(int(poll_s * 1000), zmq.POLLOUT):
        if should_stop():
            return False
    sock.send_multipart(frames, copy=False)
    return True


def send_within(sock: zmq.Socket, msg: Message, timeout_s: float) -> bool:
    """Lossless send that waits at most `timeout_s` for the peer (for the last message of a stream)."""
    deadline = time.monotonic() + timeout_s
    return send_waiting(sock, msg, lambda: time.monotonic() > deadline)


def close_flushing(sock: zmq.Socket, timeout_s: float) -> None:
    """Close a lossless socket, giving queued messages up to `timeout_s` to reach the peer."""
    sock.close(linger=int(timeout_s * 1000))


class Receiver:
    """Wraps one receiving socket: decodes, validates, counts and logs what it drops."""

    def __init__(self, sock: zmq.Socket, name: str, *, envelope_frames: int = 0, identify: bool = False) -> None:
        self.sock = sock
        self.name = name
        self.envelope_frames = envelope_frames  # 1 for ROUTER (client identity)
        self.counters = Counters()
        # `identify`: note the sender's ZAP User-Id (its key's name) of each message, for access checks.
        self.identify = identify
        self.last_user: str | None = None

    def poll(self, timeout_s: float) -> bool:
        return bool(self.sock.poll(int(timeout_s * 1000), zmq.POLLIN))

    def recv(self, timeout_s: float | None = None) -> tuple[list[bytes], Message] | None:
        """Next valid message (with its envelope frames), or None on timeout. Never raises on bad input."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            if remaining is not None and not self.poll(remaining):
                return None
            frames = self.sock.recv_multipart(copy=not self.identify)
            if self.identify:
                self.last_user = _user_id(frames[-1])
                frames = [f.bytes for f in frames]
            envelope, body = frames[: self.envelope_frames], frames[self.envelope_frames :]
            if len(envelope) < self.envelope_frames:
                self.counters.count_malformed(self.name, wire.WireError("missing envelope"))
                continue
            try:
                msg = wire.decode(body)
            except wire.WireError as exc:
                self.counters.count_malformed(self.name, exc)
                continue
            self.counters.received += 1
            return envelope, msg


def _user_id(frame: zmq.Frame) -> str | None:
    """The ZAP User-Id of the connection a frame came from; None when it has none (no CURVE)."""
    try:
        return frame.get("User-Id") or None
    except zmq.ZMQError:
        return None


def check_bindable(endpoint: str) -> None:
    """Fail early, in the parent, if a TCP endpoint a child will bind is taken (one-line error).

    Uses a plain socket: it releases the port synchronously, unlike a ZeroMQ socket whose close is
    finished by libzmq's I/O thread a little later.
    """
    import socket

    if not endpoint.startswith("tcp://"):
        return
    host, _, port = endpoint[len("tcp://") :].rpartition(":")
    host = host.strip("[]")
    host = "0.0.0.0" if host in ("*", "") else host
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as libzmq does: TIME_WAIT is fine
        try:
            probe.bind((host, int(port)))
        except (OSError, ValueError) as exc:
            reason = "address already in use (is another sinkscribe running?)" if getattr(
                exc, "errno", None
            ) == errno.EADDRINUSE else str(exc)
            raise TransportError(f"cannot bind {endpoint}: {reason}") from None
