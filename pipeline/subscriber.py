"""`sinkscribe subscribe`: print what a publishing socket sends, filtered by message type."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

import zmq

from pipeline import transport, wire
from pipeline.console import CaptionView, as_json, as_text
from pipeline.errors import ConfigError
from pipeline.messages import MESSAGE_TYPES, EndOfStream, Message, Segment, Snapshot, Status, Summary
from pipeline.security import Security

# Messages the summarize stage numbers with its own publisher sequence (see stages/summarize/stage.py).
PUBLISHER_SEQ_TYPES = frozenset({"summary", "answer", "status", "eos"})
STREAM_TOPICS = frozenset({"partial", "segment", "summary", "answer", "status", "eos"})  # published per stream
SUBSCRIPTION_SETTLE_S = 0.3  # PUB/SUB: a subscription takes a moment to reach the publisher


def state_messages(snap: Snapshot, topics: tuple[str, ...]) -> list[Message]:
    """What a subscriber from the start would have seen last: the current summary (final or not) and,
    once the stream has ended, its end of stream."""
    shown: list[Message] = []
    if snap.summary and (not topics or "summary" in topics):
        shown.append(Summary(snap.stream, snap.pub_seq, snap.summary, snap.upto_seq, snap.upto, final=snap.final,
                             items=snap.items))  # fmt: skip
    if snap.ended and (not topics or "eos" in topics):
        shown.append(EndOfStream(snap.stream, snap.pub_seq, snap.end_reason or "eof", snap.audio_seconds))
    return shown


def _snapshot(endpoint: str, security: Security | None, stream: str | None = None) -> Snapshot:
    from pipeline.client import snapshot

    time.sleep(SUBSCRIPTION_SETTLE_S)  # subscribe first, then ask: nothing falls between the two
    return snapshot(endpoint, security=security, **({"stream": stream} if stream else {}))


def watch(
    endpoint: str,
    topics: tuple[str, ...],
    json_lines: bool,
    count: int,
    timeout_s: float,
    out: TextIO,
    snapshot_endpoint: str | None = None,
    security: Security | None = None,
    on_snapshot: Callable[[Snapshot], None] | None = None,
    stream: str | None = None,
) -> int:
    """Print messages until `count` were shown or `timeout_s` passed without one; returns how many.

    With `snapshot_endpoint` (the summary socket's request endpoint) a late joiner first gets the
    current summary, and the end of stream if the stream is over (ZeroMQ guide, Clone pattern:
    subscribe, then snapshot, then drop published updates that the snapshot already covers; when
    summarize's `counters.instance` changes, it restarted and its numbers start again: nothing is dropped);
    `on_snapshot` sees the snapshot first (the CLI names its session).
    """
    for topic in topics:
        if topic not in MESSAGE_TYPES:
            raise ConfigError(f"unknown topic {topic!r}; known: {', '.join(sorted(MESSAGE_TYPES))}")
    if stream is not None:  # one stream of a service: its topics only (every type it is published with)
        prefixes = tuple(wire.topic_prefix(t, stream) for t in topics or sorted(STREAM_TOPICS))
    else:
        prefixes = tuple(wire.topic_prefix(t) for t in topics) or (b"",)
    if snapshot_endpoint and topics and "status" not in topics:
        # summarize's heartbeat says when it restarted (not shown)
        prefixes += (wire.topic_prefix("status", stream),)
    ctx = zmq.Context.instance()
    receiver = transport.Receiver(
        transport.open_socket(ctx, "sub", endpoint, bind=False, subscribe=prefixes, security=security), endpoint
    )
    captions = CaptionView(out, live=False, flow=False)  # each segment at once: a subscriber paces nothing
    shown = 0
    covered = -1  # publisher seq the snapshot covers
    instance = None  # summarize's process id (counters.instance): its publisher seq restarts with it
    try:
        if snapshot_endpoint:
            snap = _snapshot(snapshot_endpoint, security, stream)
            covered = snap.pub_seq
            if on_snapshot is not None:
                on_snapshot(snap)
            for current in state_messages(snap, topics)[: count or None]:
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
            if isinstance(msg, Status) and msg.stage == "summarize":
                seen = msg.counters.get("instance")
                if instance is not None and seen != instance:
                    covered = -1  # summarize restarted: the new process numbers from 1 again
                instance = seen
            if msg.type in PUBLISHER_SEQ_TYPES and msg.seq <= covered:
                continue  # already contained in the snapshot
            if topics and msg.type not in topics:
                continue
            if isinstance(msg, Segment) and not json_lines:
                captions.segment(msg)  # with its speaker, and a line for each speaker it corrects
            else:
                out.write((as_json(msg) if json_lines else as_text(msg)) + "\n")
                out.flush()
            shown += 1
    finally:
        receiver.sock.close(linger=0)
    return shown
