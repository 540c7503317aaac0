"""Export a stored session: Markdown report, SRT and WebVTT subtitles, JSON lines.

Committed segments are fragments (whatever LocalAgreement committed at once); subtitles merge them into
cues of readable length, with strictly increasing, non-overlapping times. A cue is one speaker's: a new
speaker starts a new cue, shown as a WebVTT voice tag (`<v S2>`), as `S2: ` in SRT (whose players know no
voice tags and would show one as text) and in bold in Markdown.
"""

from __future__ import annotations

import html
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.console import clock
from pipeline.messages import Segment
from stages.summarize.catalog import read_info
from stages.summarize.store import StoreBase

FORMATS = ("md", "srt", "vtt", "jsonl")
CUE_MAX_CHARS = 84  # two subtitle lines of 42 characters
CUE_MAX_SECONDS = 7.0
CUE_MIN_SECONDS = 0.5


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None = None


def cues(segments: Iterable[Segment]) -> list[Cue]:
    """Merge segments into subtitle cues: sentence ends, length and duration limits split them."""
    out: list[Cue] = []
    start = end = 0.0
    parts: list[str] = []
    speaker: str | None = None

    def close() -> None:
        nonlocal parts
        if parts:
            out.append(Cue(start, end, " ".join(parts), speaker))
            parts = []

    for seg in segments:
        text = seg.text.strip()
        if not text:
            continue
        too_long = len(" ".join(parts)) + len(text) + 1 > CUE_MAX_CHARS or seg.end - start > CUE_MAX_SECONDS
        if parts and (too_long or seg.speaker != speaker):
            close()
        if not parts:
            start, speaker = seg.start, seg.speaker
        parts.append(text)
        end = seg.end
        if text[-1] in ".?!":
            close()
    close()
    # Make times valid for players: each cue at least CUE_MIN_SECONDS, none overlapping the next.
    fixed: list[Cue] = []
    for i, cue in enumerate(out):
        begin = max(cue.start, fixed[-1].end if fixed else 0.0)
        finish = max(cue.end, begin + CUE_MIN_SECONDS)
        if i + 1 < len(out):
            finish = min(finish, max(out[i + 1].start, begin + 0.001))
        fixed.append(Cue(round(begin, 3), round(max(finish, begin + 0.001), 3), cue.text, cue.speaker))
    return fixed


def _stamp(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def to_srt(store: StoreBase) -> str:
    blocks = [
        f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{f'{c.speaker}: ' if c.speaker else ''}{c.text}\n"
        for i, c in enumerate(cues(store.segments()), 1)
    ]
    return "\n".join(blocks)


def _vtt_text(c: Cue) -> str:
    """Cue text is not HTML, but WebVTT parses `<` and `&`: escaped, in the voice name too."""
    text = html.escape(c.text, quote=False)
    return f"<v {html.escape(c.speaker, quote=False)}>{text}" if c.speaker else text


def to_vtt(store: StoreBase) -> str:
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{_vtt_text(c)}\n" for c in cues(store.segments())]
    return "WEBVTT\n\n" + "\n".join(blocks)


def to_jsonl(store: StoreBase) -> str:
    lines = []
    for seg in store.segments():
        words = [[w.text, w.start, w.end, w.prob] for w in seg.words]
        lines.append(json.dumps({"type": "segment", "seq": seg.seq, "start": seg.start, "end": seg.end,
                                 "speaker": seg.speaker, "text": seg.text, "words": words}))  # fmt: skip
    for s in store.summaries():
        lines.append(json.dumps({"type": "summary", "upto_seq": s.upto_seq, "upto": s.upto, "final": s.final,
                                 "text": s.text, "wall": s.wall}))  # fmt: skip
    for a in store.answers():
        lines.append(json.dumps({"type": "answer", **a}))
    return "\n".join(lines) + ("\n" if lines else "")


def to_markdown(store: StoreBase) -> str:
    """The notes, named after the session and the recording they belong to, then answers, transcript."""
    summary = store.latest_summary()
    info = read_info(store)
    rec = info.recording
    source = rec.describe() if rec else "an unknown source"
    started = time.strftime("%Y-%m-%d %H:%M", time.localtime(info.created)) if info.created else "an unknown time"
    state = "" if info.ended else " (not ended)"
    lines = [f"# Session {info.name}", "",
             f"Recorded from {source}, started {started}; {info.audio_seconds / 60:.1f} minutes of audio{state}, "
             f"{info.segments} segments.", ""]  # fmt: skip
    head = "Summary" if summary is None or summary.final else "Summary (latest, not final)"
    lines += [f"## {head}", "", summary.text if summary else "_No summary was produced._", ""]
    answers = store.answers()
    if answers:
        lines += ["## Questions", ""]
        for a in answers:
            lines += [f"**Q:** {a['question']}", "", f"**A:** {a['answer']}", ""]
            lines += [f"> [{clock(c[1])}] {c[3]}" for c in a["citations"]]
            lines.append("")
    lines += ["## Transcript", ""]
    for cue in cues(store.segments()):
        who = f"**{cue.speaker}:** " if cue.speaker else ""
        lines.append(f"- `{clock(cue.start)}` {who}{cue.text}")
    return "\n".join(lines) + "\n"


def export(store: StoreBase, fmt: str) -> str:
    writers = {"md": to_markdown, "srt": to_srt, "vtt": to_vtt, "jsonl": to_jsonl}
    return writers[fmt](store)
