"""What a person sees: committed caption lines, the partial caption in place, messages as text or JSON.

Writes to a stream given by the caller (the CLI passes stdout); nothing here decides what to show.
"""

from __future__ import annotations

import json
import shutil
from collections import OrderedDict
from typing import TextIO

from pipeline import wire
from pipeline.messages import Answer, EndOfStream, Message, Partial, Segment, Status, Summary

# Speaker labels in colour on a terminal: S1 cyan, S2 yellow, S3 magenta, S4 green, S5 blue, S6 red, then
# again; a name (from a --text transcript) by a stable sum of its letters.
SPEAKER_COLOURS = ("36", "33", "35", "32", "34", "31")
SHOWN_KEPT = 64  # caption lines remembered for speaker corrections (stages/speakers.py reaches 16 back)


def speaker_colour(speaker: str) -> str:
    if speaker[:1] == "S" and speaker[1:].isdigit():
        return SPEAKER_COLOURS[(int(speaker[1:]) - 1) % len(SPEAKER_COLOURS)]
    return SPEAKER_COLOURS[sum(speaker.encode()) % len(SPEAKER_COLOURS)]


def clock(seconds: float) -> str:
    """Audio time as [h:]mm:ss.s; rounded before it is split, so 179.96 s is 03:00.0, not 02:60.0."""
    minutes, secs = divmod(round(max(0.0, seconds), 1), 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours}:{minutes:02d}:{secs:04.1f}" if hours else f"{minutes:02d}:{secs:04.1f}"


class CaptionView:
    """Committed captions, and on a terminal the words still being decided.

    Committed segments (whatever the commit policy agreed on at once: often a word or two) flow together
    as running text, one timestamped line per sentence or utterance. On a terminal the partial
    (uncommitted) words follow them dimmed, redrawn in place as they change. Elsewhere (a pipe, a file)
    nothing is redrawn: a line is written once it is whole, so the output reads as sentences and can be
    grepped (`make demo`'s log of stop 38 had one or two words a line). `flow=False` writes each committed
    segment as its own line at once (`subscribe`, which follows a stream it does not pace).
    """

    # A flowing line is broken after this many characters or seconds of audio even without a sentence end
    # (a speaker who never pauses must not grow one line past the screen, nor hold a pipe's line back).
    MAX_LINE = 240
    MAX_LINE_S = 15.0

    def __init__(self, out: TextIO, live: bool, flow: bool = True) -> None:
        self.out = out
        self.live = live
        self.flow = flow or live
        self._line_start = 0.0  # audio time of the open line's first word
        self._text = ""  # committed text of the open line, its time prefix included
        self._speaker: str | None = None
        self._partial = ""
        self._partial_start = 0.0
        self._rows = 0  # terminal rows the drawn block spans below its first one
        # The latest lines shown, for the labeller's corrections (they reach a few seconds back):
        # (stream, seq) -> (start, speaker, text).
        self._shown: OrderedDict[tuple[str, int], tuple[float, str | None, str]] = OrderedDict()

    def partial(self, msg: Partial) -> None:
        if not self.live:
            if not msg.text and self._text:  # the utterance ended: its line is whole
                self._close()
            return
        self._partial, self._partial_start = msg.text, msg.start
        if not msg.text and self._text:  # transcribe sends an empty partial when an utterance ends
            self._close()
        else:
            self._draw()

    def segment(self, msg: Segment) -> None:
        self._relabel(msg)
        if not self.flow:
            who = f"{msg.speaker}: " if msg.speaker else ""
            self.line(f"[{clock(msg.start)}] {who}{msg.text}")
            return
        if self._text and (msg.speaker != self._speaker or len(self._text) + len(msg.text) > self.MAX_LINE):
            self._close()
        who = f"{msg.speaker}: " if msg.speaker else ""
        if not self._text:
            self._line_start = msg.start
        self._text = f"{self._text} {msg.text}" if self._text else f"[{clock(msg.start)}] {who}{msg.text}"
        self._speaker = msg.speaker
        # These words were the head of the partial; its tail comes again with the next partial.
        self._partial = ""
        if msg.text.rstrip()[-1:] in ".?!" or msg.end - self._line_start >= self.MAX_LINE_S:
            self._close()
        else:
            self._draw()

    def _relabel(self, msg: Segment) -> None:
        """Show the speaker corrections a segment carries, one line per corrected line still known:
        `[01:02.3] S2 (was S1): ...`. What was printed stays; the store, exports and the page have the
        corrected label."""
        for fix in msg.relabels:
            key = (msg.stream, fix.seq)
            if key not in self._shown or self._shown[key][1] == fix.speaker:
                continue
            start, was, text = self._shown[key]
            self._shown[key] = (start, fix.speaker, text)
            self.line(f"[{clock(start)}] {fix.speaker} (was {was or 'unlabelled'}): {text}")
        self._shown[(msg.stream, msg.seq)] = (msg.start, msg.speaker, msg.text)
        while len(self._shown) > SHOWN_KEPT:
            self._shown.popitem(last=False)

    def line(self, text: str) -> None:
        """A whole line (a summary, an answer, a JSON message) below the captions."""
        self.finish()
        self.out.write(text + "\n")
        self.out.flush()

    def finish(self) -> None:
        """End the open caption line, or erase a partial shown alone (before a line, or at the end)."""
        if self._text:
            self._close()
        elif self._partial:
            self._partial = ""
            self._draw()

    # -- drawing on a terminal ----------------------------------------------------------------------
    def _draw(self) -> None:
        """Go back to the first row of the block drawn last, erase to the end of the screen, redraw."""
        if not self.live:
            return  # a pipe gets the line once, when it is closed
        width = max(20, shutil.get_terminal_size((100, 20)).columns)
        head, words = self._text, self._partial
        shown = head
        if self._speaker and head:  # the label in its colour; escape codes take no columns
            who = f"{self._speaker}: "
            shown = head.replace(who, f"\033[1;{speaker_colour(self._speaker)}m{self._speaker}:\033[0m ", 1)
        if words and not head:
            prefix = f"[{clock(self._partial_start)}] "
            room = width - 1 - len(prefix)  # a partial alone stays on one row
        else:
            prefix = " " if words else ""
            room = 2 * width - 1 - len(head) % width - len(prefix)  # the rest of this row and the next
        if len(words) > room:
            words = "…" + words[len(words) - room + 1 :] if room > 1 else ""
        tail = prefix + words if words else ""
        up = f"\033[{self._rows}A" if self._rows else ""
        dim = f"\033[2m{tail}\033[0m" if tail else ""
        self.out.write(f"\r{up}\033[J{shown}{dim}")
        self.out.flush()
        visible = len(head) + len(tail)
        self._rows = (visible - 1) // width if visible else 0

    def _close(self) -> None:
        """Draw the open line without a partial and move below it: the line is final."""
        self._partial = ""
        self._draw()  # on a terminal; a pipe gets the whole line here, once
        if self._text:
            self.out.write(("" if self.live else self._text) + "\n")
            self.out.flush()
        self._text, self._speaker, self._rows = "", None, 0


class LiveView:
    """Routes every message of a run to the caption view (or JSON lines)."""

    def __init__(self, captions: CaptionView, json_lines: bool = False, session: str = "") -> None:
        self.captions = captions
        self.json_lines = json_lines
        self.session = session  # `session NAME (recording)`: named in the final summary's heading

    def handle(self, msg: Message) -> None:
        if self.json_lines:
            if not isinstance(msg, Partial | Status):
                self.captions.line(as_json(msg))
        elif isinstance(msg, Partial):
            self.captions.partial(msg)
        elif isinstance(msg, Segment):
            self.captions.segment(msg)
        elif isinstance(msg, Summary):
            self.captions.line(as_text(msg, of=self.session if msg.final else ""))
        elif isinstance(msg, Answer):
            self.captions.line(as_text(msg))
        elif isinstance(msg, EndOfStream):
            self.captions.finish()

    def finish(self) -> None:
        """The run is over: leave the terminal below the last caption."""
        self.captions.finish()


def as_json(msg: Message) -> str:
    """One message as one JSON line (the wire header; audio payloads are never printed)."""
    return wire.encode(msg)[0].decode("utf-8")


def as_text(msg: Message, of: str = "") -> str:
    """One message as a short human line; `of` names what a summary belongs to (`session NAME (FILE)`)."""
    if isinstance(msg, Segment):
        return f"[{clock(msg.start)}] {msg.text}"
    if isinstance(msg, Partial):
        return f"[{clock(msg.start)}] … {msg.text}"
    if isinstance(msg, Summary):
        head = "FINAL SUMMARY" if msg.final else "SUMMARY"
        span = f" of {of}, up to {clock(msg.upto)}" if of else f" (up to {clock(msg.upto)})"
        return f"── {head}{span} ──\n{msg.text}"
    if isinstance(msg, Answer):
        cites = "".join(f"\n  [{clock(c.start)}] {c.text}" for c in msg.citations)
        return f"Q: {msg.question}\nA: {msg.text}{cites}"
    if isinstance(msg, Status):
        return f"status {msg.stage}: {json.dumps(msg.counters, sort_keys=True)}"
    if isinstance(msg, EndOfStream):
        return f"end of stream {msg.stream} ({msg.reason}, {msg.audio_seconds:.1f} s of audio)"
    return as_json(msg)
