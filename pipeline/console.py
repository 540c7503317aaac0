"""What a person sees: committed caption lines, the partial caption in place, messages as text or JSON.

Writes to a stream given by the caller (the CLI passes stdout); nothing here decides what to show.
"""

from __future__ import annotations

import json
import shutil
from typing import TextIO

from pipeline import wire
from pipeline.messages import Answer, EndOfStream, Message, Partial, Segment, Status, Summary


def clock(seconds: float) -> str:
    minutes, secs = divmod(max(0.0, seconds), 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes:02d}:{secs:04.1f}"


class CaptionView:
    """Committed segments as lines; on a terminal the current partial is redrawn in place below them."""

    def __init__(self, out: TextIO, live: bool) -> None:
        self.out = out
        self.live = live
        self._partial_shown = False

    def _clear_partial(self) -> None:
        if self._partial_shown:
            self.out.write("\r\033[2K")
            self._partial_shown = False

    def partial(self, msg: Partial) -> None:
        if not self.live:
            return
        self._clear_partial()
        if msg.text:
            width = shutil.get_terminal_size((100, 20)).columns - 12
            text = msg.text if len(msg.text) <= width else "…" + msg.text[-width + 1 :]
            self.out.write(f"\033[2m[{clock(msg.start)}] {text}\033[0m")
            self._partial_shown = True
        self.out.flush()

    def line(self, text: str) -> None:
        self._clear_partial()
        self.out.write(text + "\n")
        self.out.flush()

    def segment(self, msg: Segment) -> None:
        self.line(f"[{clock(msg.start)}] {msg.text}")


class LiveView:
    """Routes every message of a run to the caption view (or JSON lines)."""

    def __init__(self, captions: CaptionView, json_lines: bool = False) -> None:
        self.captions = captions
        self.json_lines = json_lines

    def handle(self, msg: Message) -> None:
        if self.json_lines:
            if not isinstance(msg, Partial | Status):
                self.captions.line(as_json(msg))
        elif isinstance(msg, Partial):
            self.captions.partial(msg)
        elif isinstance(msg, Segment):
            self.captions.segment(msg)
        elif isinstance(msg, Summary | Answer):
            self.captions.line(as_text(msg))


def as_json(msg: Message) -> str:
    """One message as one JSON line (the wire header; audio payloads are never printed)."""
    return wire.encode(msg)[0].decode("utf-8")


def as_text(msg: Message) -> str:
    """One message as a short human line."""
    if isinstance(msg, Segment):
        return f"[{clock(msg.start)}] {msg.text}"
    if isinstance(msg, Partial):
        return f"[{clock(msg.start)}] … {msg.text}"
    if isinstance(msg, Summary):
        head = "FINAL SUMMARY" if msg.final else "SUMMARY"
        return f"── {head} (up to {clock(msg.upto)}) ──\n{msg.text}"
    if isinstance(msg, Answer):
        cites = "".join(f"\n  [{clock(c.start)}] {c.text}" for c in msg.citations)
        return f"Q: {msg.question}\nA: {msg.text}{cites}"
    if isinstance(msg, Status):
        return f"status {msg.stage}: {json.dumps(msg.counters, sort_keys=True)}"
    if isinstance(msg, EndOfStream):
        return f"end of stream {msg.stream} ({msg.reason}, {msg.audio_seconds:.1f} s of audio)"
    return as_json(msg)
