"""Turning generated token ids into streamed text pieces, cut at stop strings.

Token boundaries are not character boundaries (a byte-level BPE token can hold half a UTF-8 character), so
each step re-decodes everything generated so far and releases only the new, complete text. Text that might
be the start of a stop string is held back until it is known not to be one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

REPLACEMENT_CHAR = "\ufffd"  # what decoding yields for an incomplete UTF-8 sequence


@dataclass
class TextStream:
    tokenizer: Any
    stop: Sequence[str] = ()
    ids: list[int] = field(default_factory=list)
    released: int = 0  # characters of the decoded text already handed out
    stopped: bool = False

    def push(self, token_id: int) -> str:
        """Add one generated token; return the text that can be released now ('' if none)."""
        self.ids.append(token_id)
        text = self._decode()
        if text.endswith(REPLACEMENT_CHAR):
            return ""  # wait for the rest of the character
        hit = self._first_stop(text)
        if hit is not None:
            self.stopped = True
            return self._release(text, hit)
        # Hold back the longest tail that is a proper prefix of some stop string.
        hold = max((_overlap(text, s) for s in self.stop), default=0)
        return self._release(text, len(text) - hold)

    def flush(self) -> str:
        """At the end of generation: release whatever was held back (no stop string completed)."""
        if self.stopped:
            return ""
        text = self._decode().rstrip(REPLACEMENT_CHAR)
        return self._release(text, len(text))

    def _decode(self) -> str:
        # No space clean-up: it can rewrite text already released (" ." -> "."), breaking the offsets.
        return self.tokenizer.decode(self.ids, skip_special_tokens=True, clean_up_tokenization_spaces=False)

    def _first_stop(self, text: str) -> int | None:
        # Only the unreleased part (plus what a stop string could straddle) can hold a new match.
        start = max(0, self.released - max((len(s) for s in self.stop), default=0))
        found = [i for i in (text.find(s, start) for s in self.stop if s) if i >= 0]
        return min(found) if found else None

    def _release(self, text: str, upto: int) -> str:
        if upto <= self.released:
            return ""
        piece = text[self.released : upto]
        self.released = upto
        return piece


def _overlap(text: str, stop: str) -> int:
    """Length of the longest suffix of `text` that is a proper prefix of `stop`."""
    for n in range(min(len(stop) - 1, len(text)), 0, -1):
        if text.endswith(stop[:n]):
            return n
    return 0
