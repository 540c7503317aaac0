"""`sinkscribe subscribe`: print what a publishing socket sends, filtered by message type."""

from __future__ import annotations

import time
from typing import TextIO

import zmq

from pipeline import transport, wire
from pipeline.console import as_json, as_text
from pipeline.errors import ConfigError
from pipeline.messages import MESSAGE_TYPES


def watch(endpoint: str, topics: tuple[str, ...], json_lines: bool, count: int, timeout_s: float, out: TextIO) -> int:
    """Print messages until `count` were shown or `timeout_s` passed without one; returns how many."""
    for topic in topics:
        if topic not in MESSAGE_TYPES:
            raise ConfigError(f"unknown topic {topic!r}; known: {', '.join(sorted(MESSAGE_TYPES))}")
    prefixes = tuple(wire.topic_prefix(t) for t in topics) or (b"",)
    ctx = zmq.Context.instance()
    receiver = transport.Receiver(
        transport.open_socket(ctx, "sub", endpoint, bind=False, subscribe=prefixes), endpoint
    )
    shown = 0
    last = time.monotonic()
    try:
        while count == 0 or shown < count:
            got = receiver.recv(timeout_s=0.5)
            if got is None:
                if timeout_s and time.monotonic() - last > timeout_s:
                    break
                continue
            last = time.monotonic()
            out.write((as_json(got[1]) if json_lines else as_text(got[1])) + "\n")
            out.flush()
            shown += 1
    finally:
        receiver.sock.close(linger=0)
    return shown
