"""Client side of the summarize stage's request socket: ask a question, get a snapshot.

A DEALER socket per request (cheap; nothing is left behind when the client goes away: the stage's
ROUTER drops replies to peers that are gone).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import zmq

from pipeline import transport
from pipeline.errors import InputError, TransportError
from pipeline.messages import Answer, Error, Message, Question, Snapshot, SnapshotRequest
from pipeline.security import Security

DEFAULT_HINT = "is `sinkscribe run`, `replay --serve` or `stage summarize` running there?"


def request(
    endpoint: str,
    msg: Message,
    timeout_s: float,
    security: Security | None = None,
    *,
    should_stop: Callable[[], bool] | None = None,
    hint: str = DEFAULT_HINT,
) -> Message | None:
    """Send one request and wait for the reply that carries its request id; None only when
    `should_stop` said so while waiting (a stage asked to stop during its start-up)."""
    ctx = zmq.Context.instance()
    sock = transport.open_socket(ctx, "dealer", endpoint, bind=False, security=security)
    receiver = transport.Receiver(sock, endpoint)
    deadline = time.monotonic() + timeout_s
    try:
        transport.send(sock, msg)
        while True:
            if should_stop is not None and should_stop():
                return None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TransportError(f"no reply from {endpoint} within {timeout_s:g} s ({hint})")
            got = receiver.recv(timeout_s=min(remaining, 0.5) if should_stop else remaining)
            if got is None:
                continue
            reply = got[1]
            if getattr(reply, "request_id", None) == getattr(msg, "request_id", None):
                return reply
    finally:
        sock.close(linger=0)


def ask(
    endpoint: str, question: str, timeout_s: float = 60.0, stream: str = "client", security: Security | None = None
) -> Answer:
    reply = request(endpoint, Question(stream, 0, uuid.uuid4().hex, question), timeout_s, security)
    if isinstance(reply, Error):
        raise InputError(reply.message)
    if not isinstance(reply, Answer):
        raise TransportError(f"unexpected {reply.type} reply from {endpoint}")
    return reply


def snapshot(
    endpoint: str, timeout_s: float = 5.0, stream: str = "client", security: Security | None = None
) -> Snapshot:
    reply = request(endpoint, SnapshotRequest(stream, 0, uuid.uuid4().hex), timeout_s, security)
    if isinstance(reply, Error):  # a service hosting many streams: no such stream, or it was refused
        raise InputError(reply.message)
    if not isinstance(reply, Snapshot):
        raise TransportError(f"unexpected {reply.type} reply from {endpoint}")
    return reply
