"""Hand-written meetings of the quality set: a transcript a person wrote, and its gold given as data.

The generated meetings (make_quality.py, talk.py) share one writing style; a hand-written one is the check
that the notes rules are not fitted to it. Its script is a committed file (`Written.transcript`, one
utterance per line, `Speaker: text`); make_quality.py writes only its NAME.gold.json, from the rows here.

Lines are found by a piece of their text (exactly one line must hold it), so an edit of a script that moves
or rewords a fact line makes make_quality.py fail instead of writing wrong line numbers. A question is
asked after the line holding its `after` piece; its window (`in`: 40-300 words after the fact line,
`evicted`: 1600+) follows from the words said in between, and a distance in neither range is refused.
Never-discussed questions are asked after the last line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from spec import window_of

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent

# (id, section, fact line piece, keywords, owner, due, superseded, wrong_owner, exclude)
FactRow = tuple[str, str, str, list[list[str]], str | None, list[str] | None, list[str], list[str], list[str]]
# (id, kind, fact line piece, asked after the line with this piece, question, answers, wrong)
QuestionRow = tuple[str, str, str, str, str, list[list[str]], list[str]]
# (question, terms the transcript never contains)
NeverRow = tuple[str, list[str]]
# (id, line piece, keywords): small talk or a side remark that no note should carry
NoiseRow = tuple[str, str, list[list[str]]]


@dataclass(frozen=True)
class Written:
    name: str
    split: str  # dev | test
    minutes: int  # at 150 words a minute; make_quality.verify holds the script to it (within 12%)
    title: str
    speakers: list[str]
    transcript: str  # the script, a path from the repository root
    facts: list[FactRow]
    questions: list[QuestionRow]
    nevers: list[NeverRow]
    noise: list[NoiseRow] = field(default_factory=list)
    audio: str | None = None  # a recording of the script, a path from the repository root

    @property
    def path(self) -> Path:
        return ROOT / self.transcript

    @property
    def gold_transcript(self) -> str:
        """As the gold names it: the file name when the script lies next to the gold, else the path from the
        repository root (bench.quality.transcript_of reads both)."""
        return self.path.name if self.path.parent == HERE else self.transcript


def line_of(meeting: Written, lines: list[str], piece: str) -> int:
    found = [i for i, text in enumerate(lines, 1) if piece in text]
    if len(found) != 1:
        raise SystemExit(
            f"{meeting.name}: {piece!r} is on {len(found)} lines of {meeting.transcript} (need 1)"
        )
    return found[0]


def written_gold(meeting: Written, script: str) -> dict:
    """The gold of a hand-written meeting (schema in make_quality.py's docstring)."""
    lines = script.splitlines()
    counts = [len(text.split(": ", 1)[-1].split()) for text in lines]
    facts = []
    for fid, section, piece, keywords, owner, due, superseded, wrong_owner, exclude in meeting.facts:
        facts.append({"id": fid, "section": section, "line": line_of(meeting, lines, piece), "keywords": keywords,
                      **({"owner": owner} if section == "action" else {}), "due": due, "superseded": superseded,
                      "wrong_owner": wrong_owner, "exclude": exclude})  # fmt: skip
    questions = []
    for qid, kind, piece, after_piece, question, answers, wrong in meeting.questions:
        fact_line, after = line_of(meeting, lines, piece), line_of(meeting, lines, after_piece)
        distance = sum(counts[fact_line:after])
        window = window_of(distance)
        if after <= fact_line or window is None:
            raise SystemExit(f"{meeting.name}: {qid} is asked {distance} words after its fact (line {fact_line} to "
                             f"{after}): neither in the window nor evicted")  # fmt: skip
        questions.append({"id": qid, "kind": kind, "after_line": after, "fact_line": fact_line, "question": question,
                          "answers": answers, "wrong": wrong, "window": window, "distance_words": distance,
                          "absent": []})  # fmt: skip
    for i, (question, absent) in enumerate(meeting.nevers, 1):
        questions.append({"id": f"never.{i}", "kind": "never", "after_line": len(lines), "fact_line": None,
                          "question": question, "answers": [], "wrong": [], "window": None, "distance_words": None,
                          "absent": absent})  # fmt: skip
    questions.sort(key=lambda q: (q["after_line"], q["id"]))
    noise = [{"id": nid, "line": line_of(meeting, lines, piece), "keywords": keywords}
             for nid, piece, keywords in meeting.noise]  # fmt: skip
    return {"meeting": meeting.name, "split": meeting.split, "minutes": meeting.minutes, "title": meeting.title,
            "speakers": meeting.speakers, "transcript": meeting.gold_transcript,
            **({"audio": meeting.audio} if meeting.audio else {}), "words": sum(counts), "facts": facts,
            "questions": questions, "noise": noise}  # fmt: skip
