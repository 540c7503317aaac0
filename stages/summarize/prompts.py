"""The words we say to the model: system prompt (pinned, its first tokens are the sinks), the rolling
summary request and the question request. Kept apart so they can be tuned without touching mechanics.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.console import clock
from pipeline.messages import Citation

SYSTEM = (
    "You are a meeting assistant. You read a live transcript and write accurate, concise notes. "
    "Only state what the transcript or the notes say; never invent names, dates or numbers."
)
STREAM_HEADER = "Live transcript (most recent part):\n"

SUMMARY_FORMAT = (
    "Overview: <two or three sentences>\n"
    "Decisions:\n- <decision>\n"
    "Action items:\n- <owner>: <task>\n"
    "Open questions:\n- <question>"
)


def summary_request(previous: str) -> str:
    """Ask for an updated summary; the previous one carries what has left the transcript window."""
    earlier = (
        f"Notes so far (they cover earlier parts that may no longer be in the transcript above):\n{previous}\n\n"
        if previous.strip()
        else ""
    )
    return (
        f"{earlier}Write updated meeting notes that keep everything important from the notes so far and add "
        f"what the transcript says. Use exactly this format, with 'none' where a list is empty:\n"
        f"{SUMMARY_FORMAT}"
    )


def question_request(question: str, summary: str, passages: Sequence[Citation]) -> str:
    """Ask a question about the meeting, with retrieved earlier passages cited by their time."""
    parts = []
    if passages:
        lines = "\n".join(f"[{clock(p.start)}] {p.text}" for p in passages)
        parts.append(f"Earlier passages of the meeting:\n{lines}")
    if summary.strip():
        parts.append(f"Meeting notes:\n{summary}")
    parts.append(
        f"Question: {question}\n"
        "Answer in one or two sentences, using the transcript, the passages and the notes. "
        "If they do not say, answer that the meeting did not say.\nAnswer:"
    )
    return "\n\n".join(parts)


def transcript_line(text: str, start: float, speaker: str | None, new_line: bool) -> str:
    """How a committed segment enters the model's window."""
    if not new_line:
        return " " + text
    who = f"{speaker}: " if speaker else ""
    return f"\n[{clock(start)}] {who}{text}"
