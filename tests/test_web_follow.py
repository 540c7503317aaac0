"""A stream's state for the web page, driven message by message (no sockets, no browser): committed
lines are shown as transcribe commits them, summarize's stored copies are not shown again, and a line
out of order waits for summarize's copy (which fills gaps from the store)."""

from __future__ import annotations

import asyncio
from typing import Any

from pipeline.messages import Relabel, Segment
from pipeline.web_follow import Follow


class Pages:
    """The bridge as a Follow sees it: what it would send to the pages."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, int]] = []
        self.data: list[tuple[str, dict[str, Any]]] = []

    def emit_to(self, _listeners: Any, name: str, data: dict[str, Any]) -> None:
        self.sent.append((name, data.get("seq", -1)))
        self.data.append((name, data))


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


def test_a_speaker_correction_changes_the_lines_held_and_reaches_the_pages() -> None:
    """A segment carrying relabels (stages/speakers.py) changes the labels of the lines held for pages
    that connect later, and the pages get a relabel event before the new line."""

    async def follow() -> tuple[Pages, Follow]:
        pages = Pages()
        stream = Follow(pages, "")
        await stream.on_summary(Segment("", 0, "Can you own it?", 0.0, 1.5, speaker="S1"))
        stream.on_committed(Segment("", 1, "Sure,", 2.0, 2.5, speaker="S1"))
        stream.on_committed(Segment("", 2, "I will.", 2.5, 4.0, speaker="S2", relabels=(Relabel(1, "S2"),)))
        await stream.on_summary(Segment("", 2, "I will.", 2.5, 4.0, speaker="S2", relabels=(Relabel(1, "S2"),)))
        return pages, stream

    pages, stream = asyncio.run(follow())
    assert [entry["speaker"] for entry in stream.lines] == ["S1", "S2", "S2"]  # what a page connecting now gets
    assert [name for name, _ in pages.data] == ["line", "line", "relabel", "line"]
    assert pages.data[2][1] == {"fixes": [{"seq": 1, "speaker": "S2"}]}

