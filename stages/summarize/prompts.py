"""The words we say to the model: system prompt (pinned, its first tokens are the sinks), the rolling
summary request and the question request. Kept apart so they can be tuned without touching mechanics.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.console import clock
from pipeline.messages import Citation

SYSTEM = (
    "You are a meeting assistant. You read a live meeting transcript and answer accurately and concisely, "
    "using only what was said; never invent names, dates or numbers."
)
STREAM_HEADER = "Live transcript (most recent part):\n"

SUMMARY_FORMAT = (
    "Overview: <two or three sentences>\n"
    "Decisions:\n- <decision>\n"
    "Action items:\n- <owner>: <task>\n"
    "Open questions:\n- <question>"
)


def summary_request(previous: str) -> str:
    """Ask for meeting notes. `previous` (the last notes) is given only once part of the transcript has
    left the window: it then carries what the model can no longer read. While everything is still in
    the window, small models given their old notes just copy them, so they get none."""
    if previous.strip():
        head = (
            f"Earlier notes (they cover parts of the meeting that are no longer in the transcript above):\n"
            f"{previous}\n\nWrite updated meeting notes for the whole meeting: keep what matters from the "
            f"earlier notes and add what the transcript above says."
        )
    else:
        head = "Write meeting notes for the transcript above."
    return (
        f"{head} Be brief and use your own words: at most four items per list, one short line each, "
        f"and do not copy transcript lines. Use exactly this format, with 'none' where a list is empty:\n"
        f"{SUMMARY_FORMAT}"
    )


def question_request(question: str, summary: str, passages: Sequence[Citation]) -> str:
    """Ask a question about the meeting; retrieved earlier passages are cited by their time."""
    parts = []
    if passages:
        lines = "\n".join(f"[{clock(p.start)}] {p.text}" for p in passages)
        parts.append(f"Earlier passages of the meeting (no longer in the transcript above):\n{lines}")
    if summary.strip():
        parts.append(f"Meeting notes so far:\n{summary}")
    sources = "the transcript" + (", the earlier passages" if passages else "") + (" and the notes" if summary.strip() else "")
    parts.append(f"Question: {question}\nAnswer in one or two sentences, using {sources}.")
    return "\n\n".join(parts)


def transcript_line(text: str, start: float, speaker: str | None, new_line: bool) -> str:
    """How a committed segment enters the model's window."""
    if not new_line:
        return " " + text
    who = f"{speaker}: " if speaker else ""
    return f"\n[{clock(start)}] {who}{text}"
