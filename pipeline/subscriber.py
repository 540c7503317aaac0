"""`sinkscribe subscribe`: print what a publishing socket sends, filtered by message type."""

from __future__ import annotations

import time
from typing import TextIO

import zmq

from pipeline import transport, wire
from pipeline.console import as_json, as_text
from pipeline.errors import ConfigError
from pipeline.messages import MESSAGE_TYPES, Message, Summary
from pipeline.security import Security

# Messages the summarize stage numbers with its own publisher sequence (see stages/summarize/stage.py).
PUBLISHER_SEQ_TYPES = frozenset({"summary", "answer", "status", "eos"})
SUBSCRIPTION_SETTLE_S = 0.3  # PUB/SUB: a subscription takes a moment to reach the publisher


def _snapshot(endpoint: str, topics: tuple[str, ...], security: Security | None) -> tuple[int, Message | None]:
    from pipeline.client import snapshot

    time.sleep(SUBSCRIPTION_SETTLE_S)  # subscribe first, then ask: nothing falls between the two
    snap = snapshot(endpoint, security=security)
    current = None
    if snap.summary and (not topics or "summary" in topics):
        current = Summary(snap.stream, snap.pub_seq, snap.summary, snap.upto_seq, snap.upto)
    return snap.pub_seq, current


def watch(
    endpoint: str,
    topics: tuple[str, ...],
    json_lines: bool,
    count: int,
    timeout_s: float,
    out: TextIO,
    snapshot_endpoint: str | None = None,
    security: Security | None = None,
) -> int:
    """Print messages until `count` were shown or `timeout_s` passed without one; returns how many.

    With `snapshot_endpoint` (the summary socket's request endpoint) a late joiner first gets the
    current summary (ZeroMQ guide, Clone pattern: subscribe, then snapshot, then drop published
    updates that the snapshot already covers).
    """
    for topic in topics:
        if topic not in MESSAGE_TYPES:
            raise ConfigError(f"unknown topic {topic!r}; known: {', '.join(sorted(MESSAGE_TYPES))}")
    prefixes = tuple(wire.topic_prefix(t) for t in topics) or (b"",)
    ctx = zmq.Context.instance()
    receiver = transport.Receiver(
        transport.open_socket(ctx, "sub", endpoint, bind=False, subscribe=prefixes, security=security), endpoint
    )
    shown = 0
    covered = -1  # publisher seq the snapshot covers
    try:
        if snapshot_endpoint:
            covered, current = _snapshot(snapshot_endpoint, topics, security)
            if current is not None:
                out.write((as_json(current) if json_lines else as_text(current)) + "\n")
                out.flush()
                shown += 1
        last = time.monotonic()
        while count == 0 or shown < count:
            got = receiver.recv(timeout_s=0.5)
            if got is None:
                if timeout_s and time.monotonic() - last > timeout_s:
                    break
                continue
            last = time.monotonic()
            msg = got[1]
            if msg.type in PUBLISHER_SEQ_TYPES and msg.seq <= covered:
                continue  # already contained in the snapshot
            out.write((as_json(msg) if json_lines else as_text(msg)) + "\n")
            out.flush()
            shown += 1
    finally:
        receiver.sock.close(linger=0)
    return shown
