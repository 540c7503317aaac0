"""A stream's state for the web page, driven message by message (no sockets, no browser): committed
lines are shown as transcribe commits them, summarize's stored copies are not shown again, and a line
out of order waits for summarize's copy (which fills gaps from the store)."""

from __future__ import annotations

import asyncio
from typing import Any

from pipeline.messages import Segment
from pipeline.web_follow import Follow


class Pages:
    """The bridge as a Follow sees it: what it would send to the pages."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []

    def emit_to(self, _listeners: Any, name: str, data: dict[str, Any]) -> None:
        self.sent.append((name, data["seq"]))


def seg(seq: int) -> Segment:
    return Segment("", seq, f"line {seq}", 2.0 * seq, 2.0 * seq + 1.5, ())


def test_a_committed_line_is_shown_before_summarize_stores_it() -> None:
    async def follow() -> tuple[list[tuple[str, int]], list[int]]:
        pages = Pages()
        stream = Follow(pages, "")
        await stream.on_summary(seg(0))  # the first line comes from summarize (nothing to follow on yet)
        stream.on_committed(seg(1))  # transcribe's copies, at commit: shown at once
        stream.on_committed(seg(2))
        stream.on_committed(seg(4))  # out of order (3 lost on the way): waits for summarize's copy
        for seq in (1, 2, 3, 4):  # summarize's stored copies, later
            await stream.on_summary(seg(seq))
        return pages.sent, [entry["seq"] for entry in stream.lines]

    sent, held = asyncio.run(follow())
    assert sent == [("line", 0), ("line", 1), ("line", 2), ("line", 3), ("line", 4)]
    assert held == [0, 1, 2, 3, 4]
