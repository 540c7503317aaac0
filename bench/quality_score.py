"""Scores of the quality benchmark: what users read (notes, answers) against a gold list per meeting.

Pure functions, engine-agnostic: the input is the transcript (lines), the notes as plain text with the
line they cover, and answer texts; `bench.quality` produces them from the real stages. Text rules
(normalisation, number words, sections, owners, names) are in `bench.quality_text`; the rules of the
metrics, also in bench/data/quality/README.md:

- A fact is *present* in notes when one item of an accepted section matches every keyword group (a group
  matches when any alternative does, on whole normalised words) and says none of its `exclude`
  alternatives (those mark a neighbouring fact: the migration's test plan is not the migration). Accepted sections: decision -> Decisions,
  Overview, Key facts or text before any heading; action -> Action items only; number, date -> any section
  but Open questions; open -> Open questions only. A fact found only elsewhere is *misfiled* (not present).
- A fact is *stale* when an item states a `superseded` value: it contains a superseded alternative and
  matches all keyword groups but at most one, without matching them all ("moved from March 10 to March 24"
  is correct; "release on March 10" is stale). Recall counts facts present and not stale.
- Owner attribution (action facts present): every matching action item names the gold owner and no
  `wrong_owner`; the owner is parsed (`David: task`, `task (owner: David)`, `David will ...`), else the
  one meeting person named in the item. Due: the item contains a `due` alternative.
- Invented content of one notes update: names, numbers and dates absent from the transcript up to the line
  the notes cover (`quality_text.invented`); an update without any is *clean*.
- On gold (a precision proxy; the gold lists a meeting's facts, not every true remark, so 100% is not the
  goal): the share of the final notes' items (Decisions, Action items, Key facts, Open questions) that match
  every keyword group of some gold fact, in any section; the others are listed (`off_gold`) to be read.
  A note made of a remark ("The on-call handbook needs a proper look" as a decision) matches none.
- Small talk: a gold `noise` item (keywords as a fact's) in an update's notes; counted per update.
- Retention: a fact present in update k and absent in update k+1, its line covered by update k, is a drop
  (gold facts are final forms, so a fact stays relevant once stated).
- Rolling recall: over the non-final updates that cover a fact's line, the share in which it is present.
- Answers: correct when every answer group matches and no `wrong` alternative appears without them (a
  who-answer naming three or more meeting people is a list of the room, wrong); a
  never-discussed question is answered right when the answer abstains (`ABSTAIN` phrases) and invents no
  name, number or date (the question's own words count as known). In-window / evicted is the question's
  `window` in the gold (distance from the fact, in words).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.quality_text import (
    Known,
    NoteItem,
    action_owners,
    groups_match,
    invented,
    normalise,
    parse_notes,
    phrase_in,
)

SECTIONS_FOR = {
    "decision": {"decision", "overview", "facts", "other"},
    "action": {"action"},
    "number": {"decision", "action", "overview", "facts", "other"},
    "date": {"decision", "action", "overview", "facts", "other"},
    "open": {"open"},
}
LISTED = {"decision", "action", "facts", "open"}  # the sections of notes that list items (not an overview)
ABSTAIN = [
    "not discussed", "not mentioned", "no information", "not in the transcript", "does not say", "did not say",
    "do not say", "did not come up", "no mention", "not specified", "not stated", "not covered",
    "do not know", "cannot answer", "unable to answer", "no discussion", "not talked about", "did not discuss",
    "not addressed", "not provided", "no details", "not said", "nothing was said", "was not raised",
    "not clear from", "unknown", "no record", "not decided in the meeting", "does not mention",
    "did not mention", "not part of", "not available", "was never", "were never",
]  # fmt: skip
TARGETS = {  # issue #13, for the default preset on the set
    "fact_recall_final": 0.85,
    "owner_attribution": 0.90,
    "clean_notes": 0.95,
    "answers_in_window": 0.90,
    "answers_evicted": 0.85,
    "abstention": 0.90,
}


@dataclass(frozen=True)
class Fact:
    id: str
    section: str  # decision | action | number | date | open
    line: int  # 1-based transcript line where the final form is stated
    keywords: list[list[str]]
    owner: str | None = None
    due: list[str] | None = None
    superseded: list[str] = field(default_factory=list)
    wrong_owner: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)  # an item saying one of these is another fact


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # who | what | when | how_much | why | never
    after_line: int
    fact_line: int | None
    question: str
    answers: list[list[str]] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    window: str | None = None  # in | evicted (None for never-discussed questions)
    distance_words: int | None = None
    absent: list[str] = field(default_factory=list)  # never: key terms the transcript must not contain


@dataclass(frozen=True)
class Noise:
    id: str
    line: int
    keywords: list[list[str]]


@dataclass(frozen=True)
class Gold:
    meeting: str
    split: str
    minutes: float
    speakers: list[str]
    facts: list[Fact]
    questions: list[Question]
    noise: list[Noise] = field(default_factory=list)  # small talk and side remarks: no note should carry them

    @property
    def people(self) -> set[str]:
        """Everyone who could own a task: speakers, gold owners, wrong owners (lowercased)."""
        names = {s.lower() for s in self.speakers}
        for f in self.facts:
            names.update(n.lower() for n in [f.owner or "", *f.wrong_owner] if n)
        return names


def load_gold(path: str | Path) -> Gold:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    facts = []
    for f in data["facts"]:
        f = dict(f)
        if isinstance(f.get("wrong_owner"), str):
            f["wrong_owner"] = [f["wrong_owner"]]
        facts.append(Fact(**{k: v for k, v in f.items() if k in Fact.__dataclass_fields__}))
    questions = [Question(**{k: v for k, v in q.items() if k in Question.__dataclass_fields__}) for q in data["questions"]]
    noise = [Noise(n["id"], n["line"], n["keywords"]) for n in data.get("noise", [])]
    return Gold(data["meeting"], data["split"], data["minutes"], data["speakers"], facts, questions, noise)


IN_WINDOW_MAX_WORDS = 400  # the generator asks in-window questions 40-300 words after the fact
EVICTED_MIN_WORDS = 1500  # ... and evicted ones 1600+ (the window is ~1024 tokens, ~700 words)


def window_of(distance_words: int | None) -> str | None:
    """in / evicted / None (between the two, or not about a fact) by the words said since the fact."""
    if distance_words is None:
        return None
    return "in" if distance_words <= IN_WINDOW_MAX_WORDS else "evicted" if distance_words >= EVICTED_MIN_WORDS else None


def ratio(k: int, n: int) -> dict[str, Any]:
    return {"k": k, "n": n, "rate": round(k / n, 4) if n else None}


@dataclass(frozen=True)
class Update:
    """One notes text as published: rolling (final=False) or the final notes, covering `upto_line`."""

    text: str
    upto_line: int
    final: bool = False


class Transcript:
    """The transcript as lines (1-based), with what is known up to each line (cached)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._known: dict[int, Known] = {}

    def known(self, upto_line: int) -> Known:
        upto = max(0, min(upto_line, len(self.lines)))
        if upto not in self._known:
            self._known[upto] = Known.of(self.lines[:upto])
        return self._known[upto]


# -- notes ------------------------------------------------------------------------------------------------


def _item_owners(item: NoteItem, people: set[str]) -> list[str]:
    owners = action_owners(item.text)
    if owners:
        return owners
    named = [p for p in people if phrase_in(p, normalise(item.text))]
    return named if len(named) == 1 else []


def fact_status(fact: Fact, items: list[NoteItem], people: set[str]) -> dict[str, Any]:
    """Is `fact` in these notes, in the right section, with its current value and owner?"""
    norm = [normalise(i.text) for i in items]
    groups = fact.keywords
    own = [i for i, text in enumerate(norm) if not any(phrase_in(x, text) for x in fact.exclude)]
    full = [i for i in own if groups_match(groups, norm[i]) == len(groups)]
    placed = [i for i in full if items[i].section in SECTIONS_FOR[fact.section]]
    stale = [
        i for i in own
        if i not in full and any(phrase_in(s, norm[i]) for s in fact.superseded)
        and groups_match(groups, norm[i]) >= len(groups) - 1
    ]  # fmt: skip
    status: dict[str, Any] = {
        "present": bool(placed) and not stale, "found": bool(placed), "stale": bool(stale),
        "misfiled": bool(full) and not placed, "item": items[placed[0]].text if placed else None,
    }  # fmt: skip
    if fact.section == "action" and placed:
        owners = [_item_owners(items[i], people) for i in placed]
        wrong = {w.lower() for w in fact.wrong_owner}
        gold = (fact.owner or "").lower()
        status["owners"] = owners
        status["owner_ok"] = all(gold in o and not wrong.intersection(o) for o in owners)
        if fact.due:
            status["due_ok"] = any(phrase_in(d, norm[i]) for i in placed for d in fact.due)
    return status


def score_update(gold: Gold, transcript: Transcript, update: Update) -> dict[str, Any]:
    items = parse_notes(update.text)
    owners = [o for item in items if item.section == "action" for o in action_owners(item.text)]
    made_up = invented(update.text, transcript.known(update.upto_line), owners)
    facts = {f.id: fact_status(f, items, gold.people) for f in gold.facts}
    norm = [normalise(i.text) for i in items]
    noise = [n.id for n in gold.noise if any(groups_match(n.keywords, t) == len(n.keywords) for t in norm)]
    listed = [k for k, item in enumerate(items) if item.section in LISTED]
    off = [items[k].text for k in listed if not any(groups_match(f.keywords, norm[k]) == len(f.keywords) for f in gold.facts)]
    return {"upto_line": update.upto_line, "final": update.final, "items": len(items), "facts": facts,
            "invented": made_up.as_dict(), "clean": made_up.clean, "noise": noise,
            "on_gold": ratio(len(listed) - len(off), len(listed)), "off_gold": off}  # fmt: skip


def score_notes(gold: Gold, transcript: Transcript, updates: list[Update]) -> dict[str, Any]:
    scored = [score_update(gold, transcript, u) for u in updates]
    final = next((s for s in reversed(scored) if s["final"]), None)
    by_id = {f.id: f for f in gold.facts}
    out: dict[str, Any] = {"updates": len(scored), "rolling_updates": sum(not s["final"] for s in scored)}
    if final is not None:
        fs = final["facts"]
        actions = [fid for fid, st in fs.items() if by_id[fid].section == "action" and st["found"]]
        dues = [fid for fid in actions if "due_ok" in fs[fid]]
        out["final"] = {
            "recall": ratio(sum(st["present"] for st in fs.values()), len(fs)),
            "recall_by_section": {
                sec: ratio(sum(fs[f.id]["present"] for f in gold.facts if f.section == sec),
                           sum(f.section == sec for f in gold.facts))
                for sec in sorted({f.section for f in gold.facts})
            },  # fmt: skip
            "owner_attribution": ratio(sum(fs[f]["owner_ok"] for f in actions), len(actions)),
            "due": ratio(sum(fs[f]["due_ok"] for f in dues), len(dues)),
            "stale": sorted(fid for fid, st in fs.items() if st["stale"]),
            "misfiled": sorted(fid for fid, st in fs.items() if st["misfiled"]),
            "missing": sorted(fid for fid, st in fs.items() if not st["present"]),
            "invented": final["invented"], "clean": final["clean"], "small_talk": final["noise"], "facts": fs,
            "on_gold": final["on_gold"], "off_gold": final["off_gold"],
        }  # fmt: skip
    rolling = [s for s in scored if not s["final"]]
    pairs = [(f, s) for f in gold.facts for s in rolling if s["upto_line"] >= f.line]
    owner_pairs = [(f, s) for f, s in pairs if f.section == "action" and s["facts"][f.id]["found"]]
    out["rolling"] = {
        "recall": ratio(sum(s["facts"][f.id]["present"] for f, s in pairs), len(pairs)),
        "owner_attribution": ratio(sum(s["facts"][f.id]["owner_ok"] for f, s in owner_pairs), len(owner_pairs)),
    }
    out["clean_notes"] = ratio(sum(s["clean"] for s in scored), len(scored))
    out["small_talk_in_notes"] = ratio(sum(bool(s["noise"]) for s in scored), len(scored))
    out["invented_counts"] = {k: sum(len(s["invented"][k]) for s in scored) for k in ("names", "numbers", "dates")}
    out["invented_examples"] = sorted({w for s in scored for k in ("names", "numbers", "dates") for w in s["invented"][k]})[:40]
    drops, kept = [], 0
    for f in gold.facts:
        for a, b in zip(scored, scored[1:], strict=False):
            if a["upto_line"] >= f.line and a["facts"][f.id]["present"]:
                if b["facts"][f.id]["present"]:
                    kept += 1
                else:
                    drops.append({"fact": f.id, "upto_line": a["upto_line"], "next_upto_line": b["upto_line"]})
    out["retention"] = ratio(kept, kept + len(drops)) | {"drops": len(drops)}
    out["drops"] = drops
    out["per_update"] = [{k: s[k] for k in ("upto_line", "final", "items", "clean", "invented", "noise")}
                         | {"present": sorted(fid for fid, st in s["facts"].items() if st["present"])}
                         for s in scored]  # fmt: skip
    return out


# -- answers -----------------------------------------------------------------------------------------------


# Of those, the ones that can also be what the meeting left open ("We still don't know if the insurance will
# pay", "the venue was never confirmed"): for a question about an open matter they are the answer, not a
# decline (the gold of stop 33's blind meetings had to be reworded around this).
UNSETTLED = frozenset({"do not know", "unknown", "was never", "were never", "not decided in the meeting", "not said"})


def abstains(text: str, open_matter: bool = False) -> bool:
    norm = normalise(text)
    return any(phrase_in(p, norm) for p in ABSTAIN if not (open_matter and p in UNSETTLED))


LIST_OF_PEOPLE = 3  # a who-answer naming this many meeting people is wrong


def score_answer(q: Question, text: str, known: Known, people: set[str] = frozenset(),  # type: ignore[assignment]
                 open_matter: bool = False) -> dict[str, Any]:  # fmt: skip
    """`open_matter`: the question asks about something the meeting left open (its fact is an open one)."""
    norm = normalise(text)
    made_up = invented(text, known.plus(q.question))
    abstained = abstains(text, open_matter)
    matched = groups_match(q.answers, norm) == len(q.answers) if q.answers else False
    wrong = [w for w in q.wrong if phrase_in(w, norm)]
    named = [p for p in people if phrase_in(p, norm)]
    if q.kind == "never":
        correct = abstained and made_up.clean
    elif q.kind == "who" and len(named) >= LIST_OF_PEOPLE:
        correct = False  # "Maria, David and Tom": a list of the room, not an answer
    else:
        # Strict: an answer that declines ("does not say that as such. The closest: [quote]") is not an
        # answer, even when the quoted line holds the fact: the person still has to find it there.
        correct = matched and not abstained
    return {"correct": correct, "abstained": abstained, "matched": matched, "wrong_named": wrong, "people": named,
            "hedged": matched and bool(wrong), "invented": made_up.as_dict(), "clean": made_up.clean}  # fmt: skip


def score_answers(gold: Gold, transcript: Transcript, answers: dict[str, str]) -> dict[str, Any]:
    rows = []
    open_lines = {f.line for f in gold.facts if f.section == "open"}
    for q in gold.questions:
        if q.id not in answers:
            continue
        row = {"id": q.id, "kind": q.kind, "window": q.window, "after_line": q.after_line,
               "fact_line": q.fact_line, "question": q.question, "answer": answers[q.id]}  # fmt: skip
        rows.append(row | score_answer(q, answers[q.id], transcript.known(q.after_line), gold.people,
                                       q.fact_line in open_lines))  # fmt: skip
    answerable = [r for r in rows if r["kind"] != "never"]
    never = [r for r in rows if r["kind"] == "never"]
    return {
        "asked": len(rows),
        "by_kind": {k: ratio(sum(r["correct"] for r in rows if r["kind"] == k), sum(r["kind"] == k for r in rows))
                    for k in ("who", "what", "when", "how_much", "why", "never")},
        "in_window": ratio(sum(r["correct"] for r in answerable if r["window"] == "in"),
                           sum(r["window"] == "in" for r in answerable)),
        "evicted": ratio(sum(r["correct"] for r in answerable if r["window"] == "evicted"),
                         sum(r["window"] == "evicted" for r in answerable)),
        "answerable": ratio(sum(r["correct"] for r in answerable), len(answerable)),
        "abstention": ratio(sum(r["correct"] for r in never), len(never)),
        "false_abstention": ratio(sum(r["abstained"] for r in answerable), len(answerable)),
        "clean_answers": ratio(sum(r["clean"] for r in rows), len(rows)),
        "questions": rows,
    }  # fmt: skip


def score_meeting(gold: Gold, lines: list[str], updates: list[Update], answers: dict[str, str]) -> dict[str, Any]:
    transcript = Transcript(lines)
    return {"meeting": gold.meeting, "split": gold.split, "minutes": gold.minutes,
            "notes": score_notes(gold, transcript, updates), "answers": score_answers(gold, transcript, answers)}  # fmt: skip


# -- pooling and targets --------------------------------------------------------------------------------


def _add(total: dict[str, Any], part: dict[str, Any] | None) -> None:
    if part and part.get("n") is not None:
        total["k"] = total.get("k", 0) + part["k"]
        total["n"] = total.get("n", 0) + part["n"]


def pool(meetings: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averages over meetings (every fact, update and question weighs the same)."""
    paths = {
        "fact_recall_final": ("notes", "final", "recall"),
        "owner_attribution": ("notes", "final", "owner_attribution"),
        "due_final": ("notes", "final", "due"),
        "fact_recall_rolling": ("notes", "rolling", "recall"),
        "on_gold_final": ("notes", "final", "on_gold"),
        "owner_attribution_rolling": ("notes", "rolling", "owner_attribution"),
        "clean_notes": ("notes", "clean_notes"),
        "small_talk_in_notes": ("notes", "small_talk_in_notes"),
        "retention": ("notes", "retention"),
        "answers_in_window": ("answers", "in_window"),
        "answers_evicted": ("answers", "evicted"),
        "answers_all": ("answers", "answerable"),
        "abstention": ("answers", "abstention"),
        "false_abstention": ("answers", "false_abstention"),
        "clean_answers": ("answers", "clean_answers"),
    }
    out: dict[str, Any] = {}
    for name, path in paths.items():
        total: dict[str, Any] = {}
        for m in meetings:
            node: Any = m
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            _add(total, node)
        out[name] = ratio(total.get("k", 0), total.get("n", 0))
    for kind in ("who", "what", "when", "how_much", "why"):
        total = {}
        for m in meetings:
            _add(total, m["answers"]["by_kind"].get(kind))
        out[f"answers_{kind}"] = ratio(total.get("k", 0), total.get("n", 0))
    out["stale_facts_final"] = sum(len(m["notes"].get("final", {}).get("stale", [])) for m in meetings)
    out["invented_counts"] = {k: sum(m["notes"]["invented_counts"][k] for m in meetings) for k in ("names", "numbers", "dates")}
    return out


def targets(pooled: dict[str, Any]) -> dict[str, Any]:
    """Each target of issue #13 with the measured rate and whether it is met (None: nothing measured)."""
    out = {}
    for name, goal in TARGETS.items():
        rate = pooled.get(name, {}).get("rate")
        out[name] = {"target": goal, "rate": rate, "met": None if rate is None else rate >= goal}
    return out
