"""Meeting notes as state: items extracted from the transcript, merged in code, rendered for people.

Why not let the model rewrite the notes each time: a small model given its previous notes copies them
(the demo's notes froze at 03:04 with the wrong owner), and one that is not given them forgets what left
its window. So the model only reads each new stretch of transcript while it is in its window and lists
what that stretch adds, one line per item (`parse_extraction`); this module keeps the items, applies
later changes (a reassigned owner, a corrected number, a revised decision) and renders the notes. Every
item keeps the transcript lines it came from, so the notes point back to the meeting ([03:12]).

    notes = Notes()
    report = notes.merge(parse_extraction(model_text), stretch_segments, sources)
    text = notes.render()
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace

from pipeline.console import clock
from pipeline.messages import NoteItem, Segment
from stages.summarize.grounding import (
    CORRECTION,
    MONTHS,
    WEEKDAYS,
    Sources,
    content_words,
    names,
    normalise,
    numbers,
    stem,
)
from stages.summarize.owners import as_action, joined, owner_of, people_in, said_tasks, sentences

log = logging.getLogger(__name__)

KINDS = ("decision", "action", "fact", "open")
HEADINGS = {"decision": "Decisions", "action": "Action items", "fact": "Key facts", "open": "Open questions"}
_PREFIX = {"DECISION": "decision", "DECIDED": "decision", "ACTION": "action", "TODO": "action", "TASK": "action",
           "FACT": "fact", "NUMBER": "fact", "DATE": "fact", "OPEN": "open", "QUESTION": "open"}  # fmt: skip
_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*\**([A-Za-z ]{3,16}?)\**\s*[:：]\s*(.+?)\s*$")
_EMPTY = {"", "none", "n/a", "-", "no", "nothing", "unknown", "not specified", "not mentioned", "tbd", "unassigned"}
SAME_ITEM = 0.5  # share of the smaller item's content words two items must share to be the same item
MAX_ITEM_CHARS = 200
UNCLEAR_OWNER = "(owner unclear)"  # shown instead of a name no sentence of the meeting ties to the task


@dataclass(frozen=True)
class Extracted:
    """One line of the model's extraction, parsed."""

    kind: str
    text: str
    owner: str = ""
    due: str = ""


@dataclass
class Item:
    kind: str  # decision | action | fact | open
    text: str
    owner: str = ""
    due: str = ""
    refs: list[tuple[int, float]] = field(default_factory=list)  # (segment seq, audio start) it rests on
    history: list[str] = field(default_factory=list)  # "owner Sarah -> David at 04:01"
    first_seq: int = -1
    updated_seq: int = -1

    def words(self) -> set[str]:
        return content_words(self.text)

    def line(self) -> str:
        who = (f"{self.owner}: " if self.owner else f"{UNCLEAR_OWNER}: ") if self.kind == "action" else ""
        said = self.due and _norm(self.due) in _norm(self.text)  # "Send the plan by Friday": no "(due Friday)"
        due = f" (due {self.due})" if self.kind == "action" and self.due and not said else ""
        refs = ", ".join(clock(start) for _, start in self.refs[:2])
        return f"- {who}{self.text}{due}" + (f" [{refs}]" if refs else "")

    def message(self) -> NoteItem:
        return NoteItem(self.kind, self.text, self.owner, self.due, tuple(s for s, _ in self.refs),
                        tuple(t for _, t in self.refs))  # fmt: skip


@dataclass
class MergeReport:
    added: int = 0
    updated: int = 0
    resolved: int = 0  # open questions answered by a later decision
    dropped_ungrounded: list[str] = field(default_factory=list)  # items naming what the sources do not say
    owners_unclear: list[str] = field(default_factory=list)  # owners no sentence ties to their task
    owners_corrected: list[str] = field(default_factory=list)  # model's owner replaced by the line's claimant
    dues_dropped: list[str] = field(default_factory=list)  # due dates the meeting never gave as a deadline


def parse_extraction(text: str) -> list[Extracted]:
    """`DECISION: ...`, `ACTION: owner | task | due`, `FACT: ...`, `OPEN: ...` lines; anything else is
    ignored (a small model's preamble, a heading, "NONE")."""
    found: list[Extracted] = []
    for raw in text.splitlines():
        m = _LINE.match(raw)
        if not m:
            continue
        kind = _PREFIX.get(m.group(1).strip().upper().replace(" ", ""))
        if kind is None and m.group(1).strip().lower().startswith("action"):
            kind = "action"
        if kind is None and m.group(1).strip().lower().startswith("open"):
            kind = "open"
        body = m.group(2).strip().strip("*").strip()
        if kind is None or body.lower().strip(". ") in _EMPTY:
            continue
        if kind == "action":
            parts = [p.strip() for p in body.split("|")]
            if len(parts) >= 2:
                owner, task = parts[0], parts[1]
                due = parts[2] if len(parts) > 2 else ""
            else:
                owner, task, due = "", body, ""
            owner = "" if owner.lower().strip(". ") in _EMPTY else owner
            due = "" if due.lower().strip(". ") in _EMPTY else due
            if task.lower().strip(". ") in _EMPTY:
                continue
            found.append(Extracted("action", _clean(task), _clean_name(owner), _clean(due)))
        else:
            found.append(Extracted(kind, _clean(body)))
    return found


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip(" .;")
    return text[:MAX_ITEM_CHARS]


def _clean_name(owner: str) -> str:
    """"David (engineering)" -> "David"; "Sarah and Tom" stays (two owners are possible)."""
    owner = re.sub(r"\(.*?\)", "", owner)
    return _clean(owner)


def overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class Notes:
    """The items of one meeting, merged as the meeting goes on."""

    def __init__(self, items: list[Item] | None = None) -> None:
        self.items: list[Item] = items or []

    # -- merge ---------------------------------------------------------------------------------------------
    def merge(
        self, extracted: Sequence[Extracted], stretch: Sequence[Segment], sources: Sources,
        context: Sequence[Segment] = (),
    ) -> MergeReport:  # fmt: skip
        """Add or update items from one stretch. An item is dropped, not shown, when it names a person,
        number or date that `sources` (the text the model read) does not contain, or when no line of
        the stretch or of `context` (the rest of the window) supports it: the notes must never say what
        the meeting did not, and every item must point to the lines it comes from."""
        report = MergeReport()
        last_seq = stretch[-1].seq if stretch else -1
        # Tasks the stretch gives in so many words ("I will write a test plan by Wednesday", "Tom, can you
        # ...?") that the model's lines do not already hold: a small model misses some in a dense stretch.
        said = [Extracted("action", t.task, t.person, t.due)
                for t in (said_tasks([*context, *stretch], stretch[0].seq) if stretch else [])]  # fmt: skip
        said += [Extracted("open", q) for q in (left_open([*context, *stretch], stretch[0].seq) if stretch else [])]
        said += [Extracted("decision", d) for d in (decided(stretch) if stretch else [])]
        said += [Extracted("fact", f) for f in (stated_facts([*context, *stretch], stretch[0].seq) if stretch else [])]
        for new, from_claim in [*((e, False) for e in extracted), *((t, True) for t in said)]:
            check = sources.check(" ".join((new.text, new.owner, new.due)))
            if not check.grounded:
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} ({check.why()})")
                continue
            refs = _refs(new, stretch) or _refs(new, context)
            if not refs:
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (no transcript line supports it)")
                continue
            if _SOCIAL.match(new.text):  # "See you next week" is not a decision
                continue
            if _AGENDA.match(new.text) or (new.kind == "open" and _STATUS_QUERY.match(new.text)):
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (the meeting's running order, not an item)")
                continue
            if new.kind == "decision":
                new = _as_task(new, [*context, *stretch])
            if new.kind == "action":
                attributed = _attribute(new, [*context, *stretch], report)
                if attributed is None:
                    report.dropped_ungrounded.append(f"action: {new.text} (no line gives or says this task)")
                    continue
                new = attributed
                if new.due and not _deadline(new.due, [*context, *stretch]):
                    report.dues_dropped.append(f"{new.text} (due {new.due})")
                    new = replace(new, due="")
            if new.kind == "decision" and not _stated(new, [*context, *stretch]) and _specific(new.text):
                new = replace(new, kind="fact")  # a figure said as a plain statement is a fact, not a choice
            if new.kind == "fact" and not _specific(new.text):
                report.dropped_ungrounded.append(f"fact: {new.text} (no number or date)")
                continue
            if new.kind in ("decision", "fact") and not _stated(new, [*context, *stretch]):
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (no statement says it)")
                continue
            if new.kind == "open" and not _raised(new, [*context, *stretch]):
                report.dropped_ungrounded.append(f"open: {new.text} (no line asks it or leaves it open)")
                continue
            same = self._find(new)
            if from_claim and same is not None and new.kind != "fact":  # a corrected figure updates its fact
                # The model's wording (and due date) stands; a said task only fills a gap, or gives the task
                # to whoever the latest line gives it to (a recap "Sarah will fix ..." after S2's "I will fix").
                if same.kind == "action" and new.owner and _norm(new.owner) != _norm(same.owner):
                    same.history.append(f"owner {same.owner or 'none'} -> {new.owner} at "
                                        f"{clock(stretch[0].start) if stretch else '?'}")  # fmt: skip
                    same.owner, same.updated_seq = new.owner, last_seq
                    report.updated += 1
                continue
            if same is None:
                if new.kind != "action" and self._duplicate_elsewhere(new):
                    continue
                if new.kind == "open" and self._answered(new):
                    continue
                item = Item(new.kind, new.text, new.owner, new.due, refs, first_seq=last_seq, updated_seq=last_seq)
                self.items.append(item)
                report.added += 1
                if new.kind == "decision" or (new.kind == "action" and new.owner):
                    report.resolved += self._resolve_open(item)
                continue
            if self._update(same, new, refs, stretch):
                same.updated_seq = last_seq
                report.updated += 1
        return report

    def _find(self, new: Extracted) -> Item | None:
        words = content_words(new.text)
        best, best_score = None, 0.0
        for item in self.items:
            if item.kind != new.kind:
                continue
            score = overlap(words, item.words())
            if score > best_score:
                best, best_score = item, score
        return best if best_score >= SAME_ITEM else None

    def _duplicate_elsewhere(self, new: Extracted) -> bool:
        """A fact that only restates a decision or an action is not listed twice. (A decision that
        matches an open question answers it: see `_resolve_open`.)"""
        if new.kind != "fact":
            return False
        words = content_words(new.text)
        return any(item.kind in ("decision", "action") and overlap(words, item.words()) >= 0.8 for item in self.items)

    def _update(self, item: Item, new: Extracted, refs: list[tuple[int, float]], stretch: Sequence[Segment]) -> bool:
        """A later mention changes an item: a new owner, due date or wording with other numbers or names
        (a correction) replaces the old; a plain repetition changes nothing."""
        when = clock(stretch[0].start) if stretch else "?"
        changed = False
        if new.kind == "action" and new.owner and _norm(new.owner) != _norm(item.owner):  # reassigned
            item.history.append(f"owner {item.owner or 'none'} -> {new.owner} at {when}")
            item.owner = new.owner
            changed = True
        if new.kind == "action" and new.due and _norm(new.due) != _norm(item.due):
            item.history.append(f"due {item.due or 'none'} -> {new.due} at {when}")
            item.due = new.due
            changed = True
        old_specifics = _specifics(item.text)
        new_specifics = _specifics(new.text)
        if new_specifics and new_specifics != old_specifics:
            item.history.append(f"'{item.text}' -> '{new.text}' at {when}")
            item.text = new.text
            changed = True
        if changed:
            item.refs = (refs + [r for r in item.refs if r not in refs])[:4]
        return changed

    def _answered(self, question: Extracted) -> bool:
        """An open question that a decision (or, for "who ...?", an owned task) already answers: the
        model lists the question and its answer from the same stretch, the question last."""
        probe = Item("open", question.text)
        return any(self._answers(item, probe) for item in self.items)

    @staticmethod
    def _answers(answer: Item, question: Item) -> bool:
        return (
            question.kind == "open" and overlap(answer.words(), question.words()) >= 0.6
            and (answer.kind == "decision" or (answer.kind == "action" and bool(answer.owner)
                                               and question.text.lower().startswith("who")))
        )  # fmt: skip

    def _resolve_open(self, answer: Item) -> int:
        """A decision answers the open question it matches; an owned task answers only a "who ...?"
        question (a task to look into a question leaves the question itself open)."""
        kept = [i for i in self.items if not self._answers(answer, i)]
        resolved = len(self.items) - len(kept)
        self.items = kept
        return resolved

    # -- output ----------------------------------------------------------------------------------------------
    def render(self, empty: str = "none") -> str:
        """The notes people read: one section per kind, each item with the times it rests on."""
        out = []
        for kind in KINDS:
            lines = [item.line() for item in self.items if item.kind == kind]
            out.append(f"{HEADINGS[kind]}:")
            out.extend(lines or [f"- {empty}"])
        return "\n".join(out)

    def prompt_view(self, max_items: int = 16) -> str:
        """The newest items, without references, for a question's request (bounded: a long meeting's
        notes must not crowd the model's headroom)."""
        recent = self.items[-max_items:]
        if not recent:
            return "(nothing yet)"
        return "\n".join(_as_extraction(item) for item in recent)

    def messages(self) -> tuple[NoteItem, ...]:
        return tuple(item.message() for item in self.items)

    def to_json(self) -> list[dict]:
        return [asdict(item) for item in self.items]

    @classmethod
    def from_json(cls, data: list[dict]) -> Notes:
        items = []
        for d in data:
            d = dict(d)
            d["refs"] = [tuple(r) for r in d.get("refs", [])]
            items.append(Item(**d))
        return cls(items)


def _as_extraction(item: Item) -> str:
    if item.kind == "action":
        return f"ACTION: {item.owner or 'none'} | {item.text} | {item.due or 'none'}"
    return f"{item.kind.upper()}: {item.text}"


# A day after these words is when something starts or happened, not a deadline ("on leave from Monday").
_NOT_DEADLINE = re.compile(r"\b(?:from|since|starting|started|after|last|leave|leaving|back|returns?)\s+$",
                           re.IGNORECASE)


def _deadline(due: str, segments: Sequence[Segment]) -> bool:
    """Whether some line gives `due` as a deadline: it occurs there, and not only as the day something
    starts ("you're on leave from Monday", "since Tuesday"). A due the lines never contain at all is
    left to the grounding check (it may be a day written another way)."""
    text = " ".join(seg.text for seg in segments)
    found = list(re.finditer(rf"\b{re.escape(due.strip())}\b", text, re.IGNORECASE))
    return not found or any(not _NOT_DEADLINE.search(text[max(0, m.start() - 24): m.start()]) for m in found)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _specifics(text: str) -> set[str]:
    """The names and numbers of a text: what a correction changes."""
    return names(text, sentence_initial=False) | numbers(text)


def _refs(new: Extracted, stretch: Sequence[Segment], limit: int = 2) -> list[tuple[int, float]]:
    """The segments of the stretch that share most content words with the item (its owner counts: a
    segment spoken by the owner, or naming them, supports an action)."""
    words = content_words(" ".join((new.text, new.due)))
    owner = new.owner.lower()
    scored = []
    for seg in stretch:
        seg_words = content_words(seg.text)
        score = len(words & seg_words)
        if owner and (owner in seg.text.lower() or (seg.speaker or "").lower() == owner):
            score += 1
        if score >= 2:
            scored.append((score, seg.seq, seg.start))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return sorted((seq, start) for _, seq, start in scored[:limit])


# What says a question stays open, when the line is not itself a question.
_OPENNESS = re.compile(
    r"\b(?:(?:stays?|remains?|left|leave (?:it|that|this)|keep (?:it|that|this)|still) open|open questions?|"
    r"not (?:yet )?(?:decided|sure|clear)|undecided|(?:do not|don't|do n't) know|no answer|unclear|"
    r"figure out|find out|depends|revisit|come back|later|tbd|to be (?:decided|confirmed))\b", re.IGNORECASE)


def _specific(text: str) -> bool:
    """A key fact is "an important number or date" (the form the model is given): one with neither is a
    remark ("The interview calendar is a bit of a black box"), which the 1.5B model filed as facts by
    the dozen on the development meetings."""
    return bool(numbers(text)) or any(w in MONTHS or w in WEEKDAYS for w in normalise(text))


_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|cannot|without)\b|n't\b", re.IGNORECASE)


# What makes a statement a decision rather than a remark: a choice announced ("we're agreed", "decided"), a
# plan in the first person plural ("we'll", "let's", "we skip the workshop", "we drop the dataset"), a
# change of state ("goes to Ravi", "becomes remote", "moves to March 24", "from now on"). On the dev meetings
# the 1.5B model filed remarks as decisions ("Update the equity guideline" from "the equity guideline has
# been stable for months"; "Settle the offer details" from the agenda), none of which says any of these.
_DECISION_CUE = re.compile(
    r"\b(?:decid\w*|decision|agreed?|agreement|settled|approved?|approval|final|finally|official|officially|"
    r"confirm(?:ed)?|let's|let us|we'll|we will|we shall|we(?:'re| are) (?:going to|not going to|not|going with)|"
    r"we won't|we will not|go(?:ing|es)? (?:with|ahead)|goes (?:to|into)|going (?:to|into) the|becomes?|"
    r"from now on|no more|no longer|going forward|instead|the plan is|plan is to|"
    r"we (?:skip|drop|keep|move|stop|start|cancel|postpone|delay|push|switch|use|take|go|submit|hire|pick|choose|"
    r"adopt|buy|launch|ship|freeze|stick|make|put|give|add|cut|raise|lower|split|merge|close|open|hold|run|"
    r"do|don't|do not|can't|cannot)|"
    r"(?:will|'ll) (?:move|be moved|stay|remain|go|become|launch|ship|start|end|happen|be held|take place|be)|"
    r"(?:is|are) (?:moving|moved|going|cancell?ed|postponed|delayed|dropped|approved|confirmed|set)|"
    r"moves? (?:to|from)|moved (?:to|from)|stays?|remains?)\b", re.IGNORECASE)


def _stated(new: Extracted, segments: Sequence[Segment]) -> bool:
    """A decision or fact must be said, not asked: some sentence that is not a question holds at least
    half of its content words (two at least). Asked "Will we still support the old version?", a small
    model noted the decision "We will not support the old version", which nobody made. A decision's
    sentence must also say it as one (`_DECISION_CUE`)."""
    words = content_words(new.text)
    need = max(min(2, len(words)), (len(words) + 1) // 2)
    negated = bool(_NEGATION.search(new.text))
    specifics = numbers(new.text)
    return any(
        not text.rstrip().endswith("?") and len(words & content_words(text)) >= need
        and (not negated or bool(_NEGATION.search(text)))  # "will not support" needs a line saying "not"
        # A line that leaves the matter open states nothing about it: from "The open questions are support
        # for the old version and the premium price" the 1.5B model noted the decision "Support for the old
        # version will be available for one month after the release" (and so closed the open question).
        and not _OPENNESS.search(text)
        and specifics <= numbers(text)  # its numbers come from the same line
        and (new.kind != "decision" or bool(_DECISION_CUE.search(text)))
        for text, _ in sentences(segments)
    )


def _raised(new: Extracted, segments: Sequence[Segment]) -> bool:
    """An open question must be one the meeting asked or left open: some sentence sharing at least two
    of its content words is a question or says it stays open. A small model otherwise turns any topic
    into a question ("What should we do about the payment screen issues?", asked by nobody)."""
    words = content_words(new.text)
    need = min(2, len(words))
    return any(
        (("?" in text and not _STATUS_ASKED.search(text)) or _OPENNESS.search(text))
        and len(words & content_words(text)) >= need
        for text, _ in sentences(segments)
    )


# A question asking how something stands, answered on the spot, leaves nothing open: from "How is the
# applicant tracker going, by the way?" the 1.5B model noted the open question "What should be done about
# the applicant tracker?" on a dev meeting.
_STATUS_ASKED = re.compile(
    r"\b(?:how(?:'s| is| are) (?:it|things|that|this|everything|the [\w' -]{1,40}?) (?:going|coming along|looking)|"
    r"how did [\w' -]{1,40}? go|what(?:'s| is) the (?:latest|status|update)|where are we (?:with|on)|"
    r"any (?:news|updates?) (?:on|about)|has anyone (?:looked at|checked|heard))\b", re.IGNORECASE)


# "Let's leave the take-home question open", "author order stays open until we see who wrote what".
_LEFT_OPEN = re.compile(
    r"\b(?:leave|keep|park)\s+(?P<a>[\w' -]{2,60}?)\s+open\b(?P<ua>[^.;!?]*)|"
    r"(?P<b>[\w' -]{2,60}?)\s+(?:stays|remains|is still|is left)\s+open\b(?P<ub>[^.;!?]*)", re.IGNORECASE)
# A decision announced as one: "we're agreed: the backend offer goes to Ravi", "Okay, decided: the designer
# role becomes remote", "We have decided to move the release date ...". Negated forms never match.
_DECIDED = re.compile(
    r"\b(?:we(?:'re| are) agreed|(?:it's |it is |okay, |ok, )?decided|agreed|the decision is|final decision)\s*:\s*"
    r"(?P<colon>[^.;!?]+)|\bwe(?:'ve| have)? (?:decided|agreed) (?:to |that )(?P<verb>[^.;!?]+)", re.IGNORECASE)


def decided(segments: Sequence[Segment]) -> list[str]:
    """Decisions the segments announce as decisions (see `_DECIDED`), in their words."""
    out = []
    for sentence in joined(segments):
        for m in _DECIDED.finditer(sentence.text):
            what = (m.group("colon") or m.group("verb") or "").strip(" ,")
            if len(content_words(what)) >= 2 and not _NEGATION.search(sentence.text[max(0, m.start() - 12): m.start()]):
                out.append(what[:1].upper() + what[1:])
    return out


_FACT_LEAD = re.compile(r"^(?:(?:so|okay|ok|and|but|well|sorry|actually|right|yes|yeah|no|then|anyway|also|oh)\b[,:]?\s*)+",
                        re.IGNORECASE)
_FACT_TAIL = re.compile(r",?\s+(?:which|if|but|because|unless|so that|though|although)\b.*$", re.IGNORECASE)
_PARTS = re.compile(r"(?<=[.!?:;])\s+")
# A statement that poses a choice is a question, not a fact: "the real question is when we keep March 10 or
# move the release" (the demo recording).
_POSES = re.compile(r"\b(?:question|whether|wonder|wondering|not sure|unsure)\b", re.IGNORECASE)


def _fact_text(part: str) -> str:
    text = _FACT_TAIL.sub("", _FACT_LEAD.sub("", part.strip())).strip(" ,.;:")
    return text[:1].upper() + text[1:]


def stated_facts(segments: Sequence[Segment], new_from: int = -1) -> list[str]:
    """Key facts the meeting states in a form that leaves no doubt, in sentences ending at or after
    segment `new_from`: a figure a speaker corrects (a statement with a number, in a turn that says it
    corrects, on the same matter as an earlier sentence with another number: the corrected value is
    the fact, and it replaces the old one in the notes), and a calendar date given in a statement ("He
    could start on June second"). The 1.5B model missed both kinds on the development meetings; every
    other number stays the model's call (a marathon time is small talk, not a fact)."""
    out: list[str] = []
    said = joined(segments)
    earlier: list[tuple[set[str], set[str]]] = []  # (content words, numbers) of each statement before
    for sentence in said:
        new = sentence.segments[-1].seq >= new_from
        correcting = bool(CORRECTION.search(sentence.text))
        for part in _PARTS.split(sentence.text):
            if part.rstrip().endswith("?") or _POSES.search(part):
                continue
            words, nums, norm = content_words(part), numbers(part), normalise(part)
            dated = any(w in MONTHS and k + 1 < len(norm) and norm[k + 1].isdigit() for k, w in enumerate(norm))
            text = _fact_text(part)
            if new and len(content_words(text)) >= 3 and (
                (dated and not _NEGATION.search(part))
                or (correcting and nums and any(len(words & w) >= 2 and n != nums for w, n in earlier))
            ):  # fmt: skip
                out.append(text)
            if nums:
                earlier.append((words, nums))
    return out


# Open for business, not undecided: "the library stays open until five on Thursdays".
_OPEN_HOURS = re.compile(
    r"\b(?:library|office|door|window|store|shop|building|registration|application|portal|room|gym|cafeteria|"
    r"site|pool|park|kitchen|line|poll|form)s?\b|\buntil\s+(?:\d|one|two|three|four|five|six|seven|eight|nine|"
    r"ten|eleven|twelve|noon|midnight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the end)", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:it|that|this|them|those|these|the question|that question|this one)$", re.IGNORECASE)
_LEAD = re.compile(r"^.*?\b(?:so|and|but|then|let's|lets|we|i think|okay|ok)\s+", re.IGNORECASE)


def left_open(segments: Sequence[Segment], new_from: int = -1) -> list[str]:
    """Questions the meeting says it leaves open, in sentences ending at or after segment `new_from`:
    "Let's leave the take-home question open" -> "The take-home question"; "leave it open" -> the
    question asked just before. A small model notes a question asked outright, less often one that is
    parked in passing."""
    out: list[str] = []
    said = list(joined(segments))
    for k, sentence in enumerate(said):
        if sentence.segments[-1].seq < new_from or sentence.text.rstrip().endswith("?"):
            continue
        for m in _LEFT_OPEN.finditer(sentence.text):
            what = (m.group("a") or m.group("b") or "").strip()
            what = _LEAD.sub("", what.split(",")[-1]).strip()
            until = (m.group("ua") or m.group("ub") or "").strip(" ,")
            if _PRONOUN.match(what):
                asked = [s.text for s in said[max(0, k - 3): k + 1] if s.text.rstrip().endswith("?")]
                if asked:  # "Are we keeping the premium plan at ten dollars?" / "Let's leave it open"
                    out.append(re.split(r"(?<=[.!])\s+", asked[-1])[-1].strip())
                continue
            if len(content_words(what)) < 1 or len(what.split()) > 8 or _OPEN_HOURS.search(f"{what} {until}"):
                continue
            text = what[:1].upper() + what[1:]
            out.append(f"{text} (open {until})" if until.lower().startswith("until") else text)
    return out


# The running order of a meeting, which the 1.5B model filed as decisions and tasks on the dev meetings
# ("Turn to the plan for the summer interns now", "Let's move on to the budget").
_AGENDA = re.compile(r"^(?:let's |let us |we (?:can |should |will )?|now,? |okay,? |so,? )*(?:turn to|move on|moving on|"
                     r"talk about|go over|go through|start with|get to|come back to|look at|discuss|next up|"
                     r"switch to|pick up)\b", re.IGNORECASE)
# A request for a status, which the meeting answers on the spot: not an open question ("What is the latest
# on the debugging interview?", "Where are we with the welcome week?").
_STATUS_QUERY = re.compile(r"^(?:so,? |and,? |okay,? )*(?:what(?:'s| is) the (?:latest|status|update)|where are we (?:with|on)|"
                           r"how(?:'s| is| are) (?:it|things|that|the \w+) going|any (?:news|update|updates) on|"
                           r"what(?:'s| is) new)\b", re.IGNORECASE)


# Greetings and goodbyes that small models file as decisions or facts ("DECISION: See you next week").
_SOCIAL = re.compile(r"^(?:see you|thanks|thank you|good (?:morning|afternoon|evening|night)|bye|goodbye|"
                     r"have a (?:good|nice|great)|welcome|hello|hi)\b", re.IGNORECASE)


def _as_task(new: Extracted, segments: Sequence[Segment]) -> Extracted:
    """A "decision" that is someone's task is an action: "Sarah will write a short summary", or one
    whose words a clause gives to a person ("Move the campaign and share the pilot summary" from "Tom
    will move the campaign and share the pilot summary on Monday")."""
    task = as_action(new.text, people_in(segments))
    if task:
        return Extracted("action", task[1], task[0])
    owner = owner_of(new.text, segments, share=0.6)
    return Extracted("action", new.text, owner) if owner else new


def _attribute(new: Extracted, segments: Sequence[Segment], report: MergeReport) -> Extracted | None:
    """The owner the transcript gives the task (owners.py) replaces the model's. A task no line gives
    to anyone must at least be said: one sentence holds its verb and half its content words (else None:
    "Marcus | Send Ravi's offer to Priya" came from "Ravi has another offer", which asks nothing). Its
    model-given owner stays only if some sentence ties them to the task, else the owner is unclear."""
    claimant = owner_of(new.text, segments)
    if claimant:
        if _norm(claimant) != _norm(new.owner):
            report.owners_corrected.append(f"{new.owner or 'none'} -> {claimant}: {new.text}")
        return Extracted(new.kind, new.text, claimant, new.due)
    if not _said(new.text, segments):
        return None
    if new.owner and not _tied(new.owner, new.text, segments):
        report.owners_unclear.append(f"{new.owner}: {new.text}")
        return Extracted(new.kind, new.text, "", new.due)
    return new


# What makes a sentence give a task, in the few words before the task's verb: a commitment ("I'll", "we will",
# "going to"), an obligation ("need to", "should", "must"), a request ("please", "can you"), a proposal
# ("let's"). From "I'd say the applicant tracker is harder to explain than it should be" the 1.5B model
# noted the task "Explain the applicant tracker to the team" on a dev meeting: its verb has none before it.
_TASK_CUE = re.compile(
    r"\b(?:will|'ll|shall|going to|gonna|need(?:s)? to|have to|has to|must|should|ought to|can|could|would|"
    r"please|let's|let us|plan(?:s|ning)? to|try to|make sure|remember to|action item|to do|todo|"
    r"i'm|i am|we're|we are|is to|are to|responsible for|in charge of|take care of|owns?|volunteer(?:ed)? to)\b",
    re.IGNORECASE)
_CUE_REACH = 6  # words before the verb in which the cue must occur
_SUBJECTS = {"i", "we", "you", "he", "she", "they"}


def _said(task: str, segments: Sequence[Segment]) -> bool:
    """Some sentence that is not a question holds the task's first content word (its verb, as models
    write tasks) and at least half of its content words, and gives it as a task: a `_TASK_CUE` in the
    words just before that verb."""
    words = [stem(w) for w in normalise(task) if stem(w) in content_words(w)]
    if not words:
        return False
    verb, need = words[0], max(min(2, len(set(words))), (len(set(words)) + 1) // 2)
    return any(
        not text.rstrip().endswith("?") and verb in (have := content_words(text)) and len(set(words) & have) >= need
        and _tasked(text, verb)
        for text, _ in sentences(segments)
    )  # a question says no task ("Did everyone get a chance to read the notes?"); a request is a claim


def _tasked(text: str, verb: str) -> bool:
    """Whether a task cue comes within `_CUE_REACH` words before some occurrence of `verb` (a stem)."""
    tokens = re.findall(r"[\w']+", text)
    for k, token in enumerate(tokens):
        if stem(normalise(token)[0] if normalise(token) else token.lower()) == verb:
            before = " ".join(tokens[max(0, k - _CUE_REACH): k])
            # "... and we re-post it", "David owns the migration": a plan or an assignment in the present,
            # the verb right after its subject (a person's name or a personal pronoun)
            subject = tokens[k - 1] if k else ""
            if _TASK_CUE.search(before) or subject.lower() in _SUBJECTS or subject.istitle() and subject.isalpha():
                return True
    return False


def _tied(owner: str, task: str, segments: Sequence[Segment]) -> bool:
    """Some sentence names the owner (or was said by them) and shares at least two of the task's
    content words: a name the model put on a task must come from where the task was said. Owners are
    what small models get wrong most (the demo's notes gave David's plan to Sarah)."""
    task_words = content_words(task)
    need = min(2, len(task_words))
    people = {p for p in names(owner) | {owner.lower()} if p}
    for text, who in sentences(list({s.seq: s for s in segments}.values())):
        low = set(normalise(text))
        if (people & low or people & {w.lower() for w in who}) and len(task_words & content_words(text)) >= need:
            return True
    return False
