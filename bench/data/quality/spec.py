"""How a meeting of the quality set is written down: scripted scenes carrying the gold facts, filler pools,
never-discussed questions. make_quality.py turns a `Meeting` into a transcript and its gold file.

A scene line is `(speaker, text)` or `(speaker, text, marker)`; the marker is a `Fact` (the line where the
fact's final form is stated), a `Noise` (small talk or a side remark that must not reach the notes) or
`TRAP` (a line holding a trap's first version: a superseded value, a wrong owner; only documented).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Ask:
    """A question about a fact, asked once in the window and once after eviction (`windows`)."""

    kind: str  # who | what | when | how_much | why
    question: str
    answers: list[list[str]]  # every group must match; any alternative within a group
    wrong: list[str] = field(default_factory=list)  # the trap's value: the earlier owner, the old number
    windows: tuple[str, ...] = ("in", "evicted")


@dataclass(frozen=True)
class Fact:
    id: str
    section: str  # decision | action | number | date | open
    keywords: list[list[str]]
    owner: str | None = None  # action items
    due: list[str] | None = None
    superseded: list[str] = field(default_factory=list)
    wrong_owner: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)  # an item saying one of these is a neighbouring fact
    asks: list[Ask] = field(default_factory=list)


@dataclass(frozen=True)
class Noise:
    """Said in the meeting, but no note should carry it (small talk, a joke, a side remark)."""

    id: str
    keywords: list[list[str]]


TRAP = "trap"
SCENE = "scene"  # an unmarked scripted line (make_quality.py marks them so)

WORDS_PER_MINUTE = 150
IN_WINDOW_WORDS = (40, 300)  # an in-window question is asked this many words after its fact line
EVICTED_MIN_WORDS = 1600  # an evicted one at least this many (the window is ~1024 tokens, ~700 words)


def window_of(distance: int) -> str | None:
    """`in` or `evicted` by the words said after the fact line; None in between (no question goes there)."""
    return "in" if distance <= IN_WINDOW_WORDS[1] else "evicted" if distance >= EVICTED_MIN_WORDS else None


@dataclass(frozen=True)
class Never:
    """A plausible question about something never said; `absent` terms must not occur in the transcript."""

    question: str
    absent: list[str]
    at: float  # where it is asked, as a share of the meeting's lines


@dataclass(frozen=True)
class Block:
    """One agenda item: filler talk on `topic` around a scripted scene."""

    topic: str  # key of Meeting.pools
    title: str  # how the chair names it ("the budget for next year")
    weight: float  # share of the meeting's filler words
    scene: list[tuple] = field(default_factory=list)
    lead: str | None = None  # who speaks most on this topic
    scene_at: float = 0.5  # share of the block's filler said before the scene
    small_talk: int = 0  # small-talk exchanges woven into this block


@dataclass(frozen=True)
class Meeting:
    name: str
    split: str  # dev | test
    minutes: int
    title: str
    speakers: list[str]
    chair: str
    blocks: list[Block]
    pools: dict[str, list[str]]  # topic -> statements people make (templates with {slots}), each said once
    things: dict[str, list[str]]  # topic -> singular noun phrases that remarks are composed about (talk.py)
    vocab: dict[str, list[str]]  # slot -> values
    nevers: list[Never]
    reserved: list[str] = field(default_factory=list)  # subjects of the facts: filler never says them
    seed: int = 0
