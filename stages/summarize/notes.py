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
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace

from pipeline.console import clock
from pipeline.messages import NoteItem, Segment
from stages.summarize.checks import (
    AGENDA,
    NEGATION,
    SOCIAL,
    STATUS_QUERY,
    counted,
    is_raised,
    is_said,
    is_specific,
    is_stated,
    is_tied,
    keeps_due,
    matter,
    says_about,
)
from stages.summarize.grounding import (
    FINAL_FIGURE,
    MONTHS,
    OPENING_VERBS,
    TASK_VERBS,
    WEEKDAYS,
    Sources,
    content_words,
    names,
    normalise,
    numbers,
    stem,
)
from stages.summarize.owners import (
    as_action,
    as_task,
    due_in_text,
    due_phrase,
    misheard_verb,
    names_nothing,
    owner_of,
    people_in,
    said_tasks,
    split_task,
)
from stages.summarize.said import decided, left_open, stated

log = logging.getLogger(__name__)

KINDS = ("decision", "action", "fact", "open")
HEADINGS = {"decision": "Decisions", "action": "Action items", "fact": "Key facts", "open": "Open questions"}
_PREFIX = {"DECISION": "decision", "DECIDED": "decision", "ACTION": "action", "TODO": "action", "TASK": "action",
           "FACT": "fact", "NUMBER": "fact", "DATE": "fact", "OPEN": "open", "QUESTION": "open"}  # fmt: skip
_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)])?\s*\**([A-Za-z ]{3,16}?)\**\s*[:：]\s*(.+?)\s*$")
_EMPTY = {"", "none", "n/a", "-", "no", "nothing", "unknown", "not specified", "not mentioned", "tbd", "unassigned"}
SAME_ITEM = 0.5  # share of the smaller item's content words two items must share to be the same item
RESTATED_SHARE = 0.8  # share of an item's words another item holds for the first to restate it
MAX_ITEM_CHARS = 200
UNCLEAR_OWNER = "(owner unclear)"  # shown instead of a name no sentence of the meeting ties to the task


@dataclass(frozen=True)
class Extracted:
    """One line of the model's extraction, parsed."""

    kind: str
    text: str
    owner: str = ""
    due: str = ""
    corrects: bool = False  # a fact the meeting states as a correction of an earlier figure (said.stated)
    shown: str = ""  # the text as people read it, when it differs (Item.shown)


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
    # The text without a currency the meeting never said ("2,300,000 euros" of a meeting that named none),
    # "" when the same. `text` keeps the model's wording: merging reads it (a later "2,300,000 euros"
    # corrects "3,200,000 euros": the same matter by two words), people and the model never see it.
    shown: str = ""

    @property
    def display(self) -> str:
        return self.shown or self.text

    def words(self) -> set[str]:
        return content_words(self.text)

    def line(self) -> str:
        who = (f"{self.owner}: " if self.owner else f"{UNCLEAR_OWNER}: ") if self.kind == "action" else ""
        said = self.due and _norm(self.due) in _norm(self.text)  # "Send the plan by Friday": no "(due Friday)"
        due = f" (due {self.due})" if self.kind == "action" and self.due and not said else ""
        # The two most relevant lines (the latest mention first in `refs`), shown in the order they were said.
        refs = ", ".join(clock(start) for start in sorted(start for _, start in self.refs[:2]))
        return f"- {who}{self.display}{due}" + (f" [{refs}]" if refs else "")

    def message(self) -> NoteItem:
        return NoteItem(self.kind, self.display, self.owner, self.due, tuple(s for s, _ in self.refs),
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
        lines = [*context, *stretch]  # what every check below reads
        # Tasks the stretch gives in so many words ("I will write a test plan by Wednesday", "Tom, can you
        # ...?") that the model's lines do not already hold: a small model misses some in a dense stretch.
        said = [Extracted("action", t.task, t.person, t.due)
                for t in (said_tasks(lines, stretch[0].seq) if stretch else [])]  # fmt: skip
        said += [Extracted("open", q) for q in (left_open(lines, stretch[0].seq) if stretch else [])]
        said += [Extracted("decision", d) for d in (decided(stretch) if stretch else [])]
        said += [Extracted("fact", f.text, corrects=f.corrects)
                 for f in (stated(lines, stretch[0].seq) if stretch else [])]
        # Two tasks written as one take the due on the last, as a said one does (`owners.split_task`); so
        # does a "decision" that is two tasks ("Move the campaign and share the pilot summary on Monday").
        extracted = [replace(e, text=part, due=e.due if k == len(parts) - 1 else "")
                     for e in extracted
                     for parts in [split_task(e.text, e.kind == "action") if e.kind in ("action", "decision") else [e.text]]
                     for k, part in enumerate(parts)]  # fmt: skip
        for new, from_claim in [*((e, False) for e in extracted), *((t, True) for t in said)]:
            if new.kind == "action":
                new = _unknown_owner_dropped(new, sources, report)
            check = sources.check(" ".join((new.text, new.owner, new.due)))
            if not check.grounded:
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} ({check.why()})")
                continue
            refs = _refs(new, stretch) or _refs(new, context)
            if not refs:
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (no transcript line supports it)")
                continue
            if SOCIAL.match(new.text):  # "See you next week" is not a decision
                continue
            if _repeats(new.text):
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (repeats itself)")
                continue
            if AGENDA.match(new.text) or (new.kind == "open" and STATUS_QUERY.match(new.text)):
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (the meeting's running order, not an item)")
                continue
            if new.kind == "decision":
                new = _as_task(new, lines)
            if new.kind == "action" and names_nothing(new.text):
                report.dropped_ungrounded.append(f"action: {new.text} (names nothing to do)")
                continue
            unheld_due = ""  # a due the lines do not give to the task as worded (it may be the item's it updates)
            if new.kind == "action":
                attributed = _attribute(new, lines, report)
                if attributed is None and _rule_as_task(new.text, lines):
                    # "Nadia | Every deploy to the gateway needs a second reviewer from now on": a rule the
                    # meeting made, which the model wrote as the task of whoever said it (a test replay).
                    new = replace(new, kind="decision", owner="", due="")
                elif attributed is None:
                    report.dropped_ungrounded.append(f"action: {new.text} (no line gives or says this task)")
                    continue
                else:
                    # After its owner is read: the recap that gives it says the misheard word ("and end the plan").
                    new = replace(attributed, text=misheard_verb(as_task(attributed.text), lines))  # "End the plan": Send the plan
                    if new.due:
                        new = replace(new, due=due_phrase(new.due))
                    elif (split := due_in_text(new.text))[1]:
                        new = replace(new, text=split[0], due=split[1])
                    if new.due and not keeps_due(new.text, new.due, lines):
                        report.dues_dropped.append(f"{new.text} (due {new.due})")
                        new, unheld_due = replace(new, due=""), new.due
            if new.kind == "decision" and not is_stated(new.kind, new.text, lines) and is_specific(new.text):
                new = replace(new, kind="fact")  # a figure said as a plain statement is a fact, not a choice
            if new.kind == "fact" and not is_specific(new.text):
                report.dropped_ungrounded.append(f"fact: {new.text} (no number or date)")
                continue
            if new.kind == "fact" and not says_about(new.text):
                report.dropped_ungrounded.append(f"fact: {new.text} (nothing said about its figure)")
                continue
            if new.kind in ("decision", "fact") and not is_stated(new.kind, new.text, lines):
                report.dropped_ungrounded.append(f"{new.kind}: {new.text} (no statement says it)")
                continue
            if new.kind == "open" and not is_raised(new.text, lines):
                report.dropped_ungrounded.append(f"open: {new.text} (no line asks it or leaves it open)")
                continue
            if (shown := sources.without_unsaid_currency(new.text)) != new.text:
                new = replace(new, shown=shown)
            same = self._find(new, refs, lines)
            if same is not None and same.kind == "action" and unheld_due and not same.due and keeps_due(same.text, unheld_due, lines):
                # "Share the feedback (Monday)" is the reply to "Tom, can you write a short summary ...?": the
                # lines date the task as first worded.
                new = replace(new, due=unheld_due)
            if (from_claim and same is not None and same.kind == "action" and new.owner
                    and (holder := owner_of(same.text, lines)) and _norm(holder) != _norm(new.owner)):
                # Not the same task: the lines give this one to someone else. Stop 21's demo recap "David owns
                # the database migration and end the plan by Friday" ("send", misheard) shares "plan" and
                # "migration" with Sarah's "Write a test plan for the migration", which her own recap clause
                # ("Sarah will ... write the test plan by Wednesday") gives her.
                same = None
            if from_claim and same is not None and new.kind != "fact":  # a corrected figure updates its fact
                # The model's wording (and due date) stands; a said task only fills a gap, or gives the task
                # to whoever the latest line gives it to (a recap "Sarah will fix ..." after S2's "I will fix").
                if same.kind == "action" and new.owner and _norm(new.owner) != _norm(same.owner):
                    same.history.append(f"owner {same.owner or 'none'} -> {new.owner} at "
                                        f"{clock(stretch[0].start) if stretch else '?'}")  # fmt: skip
                    same.owner, same.updated_seq = new.owner, last_seq
                    report.updated += 1
                if same.kind == "action" and new.due and not same.due:  # "Sure, I will share it on Monday"
                    same.history.append(f"due none -> {new.due} at {clock(stretch[0].start) if stretch else '?'}")
                    same.due, same.updated_seq = new.due, last_seq
                    report.updated += 1
                held, says = _figures_and_dates(same.text), _figures_and_dates(new.text)
                if (same.kind == "decision" and held & says and not says <= held
                        and min(refs)[0] > max(same.refs)[0] and self._update(same, new, refs, stretch)):  # fmt: skip
                    # A decision concluded later that names the model's date or figure and another replaces
                    # it: "So the mobile launch moves out of July. We push the mobile app to Q4" after
                    # "Launch the mobile app in July" (a test meeting's replay kept July). Another decision
                    # sharing words ("the tablet app demo moves to the third of April") names no date of
                    # the first; from the same lines, the model's wording stands.
                    same.updated_seq = last_seq
                    report.updated += 1
                continue
            if same is not None and same.kind == "fact" and new.kind == "fact" and not new.corrects:
                relation = _fact_relation(same.text, new.text)
                if relation == "less":
                    continue  # the later fact says part of what the notes hold: the fuller wording stands
                if relation == "other":
                    same = None  # two figures of one matter, each with its own: two facts, not a correction
            if same is None:
                if new.kind != "action" and self._duplicate_elsewhere(new):
                    continue
                if new.kind == "open" and self._answered(new):
                    continue
                item = Item(new.kind, new.text, new.owner, new.due, refs, first_seq=last_seq, updated_seq=last_seq,
                            shown=new.shown)
                self.items.append(item)
                report.added += 1
                if new.kind == "decision" or (new.kind == "action" and new.owner):
                    report.resolved += self._resolve_open(item)
                continue
            if self._update(same, new, refs, stretch):
                same.updated_seq = last_seq
                report.updated += 1
        self._prune_restated()
        return report

    def _find(self, new: Extracted, refs: Sequence[tuple[int, float]] = (), lines: Sequence[Segment] = ()) -> Item | None:
        # A fact's matter is not its calendar: "412 students this year, up from last year" and "the cost per
        # student was 35 dollars for the year five trip" are two facts (a test replay merged them, and a
        # later figure for the trip then replaced the enrolment).
        def of(text: str) -> set[str]:
            return matter(text) if new.kind == "fact" else content_words(text)

        words = of(new.text)
        if new.corrects:  # the fact it corrects: same matter (two content words), a figure it does not hold
            figures = numbers(new.text)  # ("four interns this summer, not six" holds the old six too)
            for item in reversed(self.items):
                old = numbers(item.text)
                if (item.kind == "fact" and old and not old <= figures
                        and (len((words - figures) & (of(item.text) - old)) >= 2
                             # the same counted thing, as `said.stated` read it: only a "final number"
                             or (FINAL_FIGURE.search(new.text) and counted(new.text) & counted(item.text)))):  # fmt: skip
                    return item
        best, best_score = None, 0.0
        for item in self.items:
            if item.kind != new.kind:
                continue
            held = of(item.text)
            # Two words in common at least where both have two: "Send the status update email to the
            # customers" is not "Update the runbook" (a test meeting's replay gave the runbook its due).
            if len(words & held) < min(2, len(words), len(held)):
                continue
            score = overlap(words, held)
            if score > best_score:
                best, best_score = item, score
        if best_score < SAME_ITEM and (asked := self._same_request(new, refs, lines)) is not None:
            return asked
        if best_score < SAME_ITEM and (again := self._same_deliverable(new)) is not None:
            return again
        return best if best_score >= SAME_ITEM else None

    def _same_deliverable(self, new: Extracted) -> Item | None:
        """A task restated in other words: stop 24's `make demo` listed "Tom: Write a short summary on
        the feedback for the team (due Monday)" and, from the recap "Tom will ... share the pilot summary on
        Monday", "Tom: Share the pilot summary (due Monday)". One person's two tasks due the same day that
        name the same thing are one task (the first wording stands). Both the owner and the due must be
        given, and the shared word must be a thing, not a task verb: "Send the invoice" and "Send the
        agenda", both Maria's by Friday, stay apart.

        A task nobody was given yet is the same as a person's restating it, by the same reading: stop 25's
        `make demo` heard "Great, David owns the database migration. Please send a plan ... by Friday" as
        "Great, game it owns ...", so "Send the plan to the team (due Friday)" had no owner until the recap
        "David owns the database migration and [s]end the plan by Friday" gave it one. The owner fills the
        gap and the first wording stands (see `_update`)."""
        if new.kind != "action" or not new.due:
            return None
        words = content_words(new.text) - _VERB_STEMS
        for item in self.items:
            if (item.kind == "action" and (new.owner or item.owner) and item.due
                    and (_norm(item.owner) == _norm(new.owner) or not item.owner or not new.owner)
                    and _norm(item.due) == _norm(new.due) and words & item.words()):  # fmt: skip
                return item
        return None

    def _same_request(self, new: Extracted, refs: Sequence[tuple[int, float]], lines: Sequence[Segment]) -> Item | None:
        """The task a person was asked for, named again in their reply's words: stop 23's `make demo`
        noted "Tom: Write a short summary on the feedback for the team" and "Tom: Share the feedback" (his
        reply "Sure, I will share it on Monday", "it" filled in by the model), both resting on the line
        asking him. Two of the person's tasks that rest on one request to them ("Tom, can you ...?") and
        share a word are one task (the first wording stands; the new one's due updates it). A statement
        that gives someone two tasks ("David owns the database migration. Please send a plan ...") is no
        request, so its tasks stay apart."""
        if new.kind != "action" or not new.owner or not refs:
            return None
        owner, words = new.owner.lower(), content_words(new.text)
        requests = {seg.seq for seg in lines if "?" in seg.text and owner in seg.text.lower()}
        asked = {seq for seq, _ in refs} & requests
        if not asked:
            return None
        for item in self.items:
            if (item.kind == "action" and _norm(item.owner) == _norm(new.owner) and words & item.words()
                    and asked & {seq for seq, _ in item.refs}):  # fmt: skip
                return item
        return None

    def _duplicate_elsewhere(self, new: Extracted) -> bool:
        """A fact that only restates a decision or an action is not listed twice. (A decision that
        matches an open question answers it: see `_resolve_open`.)"""
        if new.kind != "fact":
            return False
        return any(self._restates(new.text, item) for item in self.items)

    @staticmethod
    def _restates(fact: str, item: Item) -> bool:
        """Most of the fact's words are the decision's or task's ("We have decided to move the release
        date from March 10 to March 24" and the decision "Move the release date ..."); a short task inside
        a longer fact ("Take the database migration" in "the database migration is expected to take two
        more weeks") is not a restatement of it. A task's due counts as its words, and a fact worded as a
        command ("Send a plan to the team by Friday", stop 21's demo, beside David's "Send the plan to the
        team (due Friday)") is a task's restatement with fewer words in common."""
        fact_words = content_words(fact)
        if item.kind not in ("decision", "action") or not fact_words:
            return False
        words = item.words() | (content_words(item.due) if item.kind == "action" else set())
        command = fact.split(maxsplit=1)[0].lower() in TASK_VERBS if fact.strip() else False
        return len(fact_words & words) / len(fact_words) >= (SAME_ITEM if command else RESTATED_SHARE)

    @staticmethod
    def _within(fact: Item, other: Item) -> bool:
        """A fact another, longer fact already says: all of its words and figures ("The budget only
        covers four interns this summer" in "Finance came back, and the budget only covers four interns
        this summer, not six"). The model's wording of a figure and the sentence the meeting said it in
        (`said.stated`) often both arrive; the longer one keeps the context. Not a fact updated after
        the longer one (a later figure stays), nor a negation the longer one does not make."""
        if other is fact or other.kind != "fact" or fact.updated_seq > other.updated_seq:
            return False
        words, others = fact.words(), other.words()
        return (bool(words) and len(others) > len(words) and words <= others
                and numbers(fact.text) <= numbers(other.text) and not (NEGATION.search(fact.text) and not NEGATION.search(other.text)))  # fmt: skip

    def _prune_restated(self) -> None:
        """A fact that restates a decision or task, whichever came first (an update can turn a fact's
        wording into a decision's, and the model lists a stretch's fact before its decision), or that a
        longer fact already says; and a task nobody owns that restates a decision."""
        self.items = [i for i in self.items
                      if not (i.kind == "fact" and (any(self._restates(i.text, o) or self._within(i, o)
                                                        for o in self.items) or self._recaps(i)))
                      and not self._decision_as_task(i)]  # fmt: skip

    def _recaps(self, fact: Item) -> bool:
        """A fact that says two or more decisions and tasks at once: a recap sentence. Stop 25's `make demo`
        kept "Just summarize, the release moves to March 24th, David owns the database migration and end the
        plan by Friday" as a key fact beside the decision and David's tasks it repeats. Each item it
        restates shares two words with it (its owner and due count), together they hold most of its words,
        and every figure it gives is theirs: a fact with a figure of its own stays."""
        words = content_words(_RECAP_OPENING.sub("", fact.text))
        said = [o for o in self.items
                if o.kind in ("decision", "action") and len(words & _said_words(o)) >= 2]  # fmt: skip
        if len(said) < 2:
            return False
        covered = set().union(*(_said_words(o) for o in said))
        figures = set().union(*(numbers(f"{o.text} {o.due}") for o in said))
        return numbers(fact.text) <= figures and len(words & covered) >= RESTATED_SHARE * len(words)

    def _decision_as_task(self, task: Item) -> bool:
        """An action item without owner whose words, due included, are a decision's and the other way
        round (stop 23's `make demo`:
        "(owner unclear): Move the release date (due March 24)" beside the decision "Move the release date
        from March 10 to March 24"): the model wrote the decision twice; nobody was given it."""
        if task.kind != "action" or task.owner:
            return False
        words = task.words() | content_words(task.due)
        # Both ways: a task that is part of a longer decision ("we re-post it" in "the designer role
        # becomes remote and we re-post it") is a step of it someone may still have to take.
        decisions = (o.words() for o in self.items if o.kind == "decision")
        return bool(words) and any(len(words & d) >= RESTATED_SHARE * max(len(words), len(d)) for d in decisions)

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
            item.text, item.shown = new.text, new.shown
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

    def prompt_view(self, question: str, fits: Callable[[str], bool], max_items: int = 24) -> str:
        """Whole items, without references, for a question's request, as many as `fits` allows (a long
        meeting's notes must not crowd the model's headroom): first those sharing most words with the
        question, then the newest; shown in meeting order. (Cutting the newest items' text at a token
        count, as before, left a half item and dropped the latest owners: "ACTION: Aggie | Get the".)"""
        asked = content_words(question)
        order = sorted(range(len(self.items)),
                       key=lambda i: (-len(asked & _said_words(self.items[i])), -i))  # fmt: skip
        chosen: list[int] = []
        for i in order[:max_items]:
            if fits("\n".join(_as_extraction(self.items[j]) for j in sorted([*chosen, i]))):
                chosen.append(i)
        return "\n".join(_as_extraction(self.items[i]) for i in sorted(chosen))

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
        return f"ACTION: {item.owner or 'none'} | {item.display} | {item.due or 'none'}"
    return f"{item.kind.upper()}: {item.display}"


_VERB_STEMS = frozenset(stem(v) for v in OPENING_VERBS)


# How a recap opens ("So, to summarize,", "Just to recap:", "In summary"): words that are no part of what it
# restates (Whisper heard the demo's "So, to summarize" as "So, just summarize").
_RECAP_OPENING = re.compile(r"^\W*(?:so\W+)?(?:just\s+)?(?:to\s+)?(?:summari[sz]e|sum\s+up|recap|in\s+summary)\b\W*",
                            re.IGNORECASE)


def _said_words(item: Item) -> set[str]:
    """An item's words as a sentence of the meeting would say them: its owner and due included."""
    return item.words() | content_words(item.due) | content_words(item.owner)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _specifics(text: str) -> set[str]:
    """The names and numbers of a text: what a correction changes."""
    return names(text, sentence_initial=False) | numbers(text)


def _fact_relation(held: str, said: str) -> str:
    """How a later fact on the same matter stands to the one the notes hold, by their names and figures:
    "less" when it gives only some of them ("The kit costs 45 sets" after "fifteen sets per team, so
    forty-five sets in all, ... eight hundred and ten pounds"); "other" when the two share a figure and
    each has a name or figure of its own ("Four days of film left, with line three running slow" after "Fourteen hours
    down on line three"; "the opening moves to Friday the fourteenth" after "the earliest the courier
    can come is the tenth"): two facts, the first no less true. Otherwise "same": a correction gives a
    figure the other lacks and keeps none of its own ("ninety-two a month" after "eighty-six a month"),
    an extension keeps them all. On the read meetings the later fact replaced the first in each of
    these cases and its figure was lost from the final notes (stop 38, `bench.notes_banks`)."""
    old, new = _specifics(held), _specifics(said)
    if new and new < old:
        return "less"
    # A figure in common, not a month or a weekday: "Thursday the twelfth of June" moved to "Tuesday the
    # seventeenth of June" is one date corrected.
    if numbers(held) & numbers(said) and old - new and new - old and not _swapped(held, said, old - new, new - old):
        return "other"
    return "same"


def _swapped(held: str, said: str, gone: set[str], came: set[str]) -> bool:
    """One value for another in the same unit: "the 12th at 7 pm" -> "the 12th at 8 pm" corrects the
    time (reviewed in stop 38: keeping both would contradict). "Fourteen hours down" -> "four days of
    film left" swaps one figure too, but for another unit: another fact."""
    if len(gone) != 1 or len(came) != 1:
        return False
    return _word_after(held, next(iter(gone))) == _word_after(said, next(iter(came)))


def _word_after(text: str, figure: str) -> str:
    words = normalise(text)
    return next((words[k + 1] for k, w in enumerate(words[:-1]) if w == figure), "")


def _figures_and_dates(text: str) -> set[str]:
    """The numbers and calendar words of a text ("Q4" is a 4, "July" a month): what moves a decision."""
    return numbers(text) | {w for w in normalise(text) if w in MONTHS or w in WEEKDAYS}


def _repeats(text: str) -> bool:
    """A small model's degenerate item: three words in a row said twice ("Tell the dad to tell the dad",
    the 1.5B model on a dev meeting; the line was "I'll tell her to tell the dad")."""
    words = text.lower().split()
    grams = [tuple(words[k : k + 3]) for k in range(len(words) - 2)]
    # Two content words in the repeated run: "the room for Monday and the room for Tuesday" is fine.
    seen = set()
    for gram in grams:
        if gram in seen and len(content_words(" ".join(gram))) >= 2:
            return True
        seen.add(gram)
    return False


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


def _as_task(new: Extracted, segments: Sequence[Segment]) -> Extracted:
    """A "decision" that is someone's task is an action: "Sarah will write a short summary", or one
    whose words a clause gives to a person ("Move the campaign and share the pilot summary" from "Tom
    will move the campaign and share the pilot summary on Monday")."""
    task = as_action(new.text, people_in(segments))
    if task:
        return Extracted("action", task[1], task[0])
    owner = owner_of(new.text, segments, share=0.6)
    return Extracted("action", new.text, owner) if owner else new


# A rule is about every one of something, and holds from now on (review of stop 29: "Tom, the budget sheet
# needs updating before we switch to the new tool" is Tom's task, not a rule).
_RULE_SUBJECTS = frozenset("every each all no nobody everyone everybody".split())
_RULE_CUE = re.compile(r"\b(?:from now on|going forward|from today|always|never|must|any more|anymore)\b", re.IGNORECASE)


_VOCATIVE = re.compile(r"^\s*([A-Z][\w'-]+),\s")


def _rule_as_task(text: str, segments: Sequence[Segment]) -> bool:
    """A "task" that names no deed but states a rule the meeting made: it opens with what the rule is about
    ("Every deploy ...", "All visitors ..."), not a verb, says it holds from now on (`_RULE_CUE`), and a
    line states it as a decision (`is_stated`) without addressing anyone by name."""
    first = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    if first not in _RULE_SUBJECTS or not is_stated("decision", text, segments):
        return False
    words = content_words(text)
    saying = [seg.text for seg in segments if len(words & content_words(seg.text)) * 2 >= len(words)]
    return any(_RULE_CUE.search(line) for line in [text, *saying]) and not any(
        (m := _VOCATIVE.match(line)) and names(m.group(1)) for line in saying)  # "Tom, every Friday ..."


def _unknown_owner_dropped(new: Extracted, sources: Sources, report: MergeReport) -> Extracted:
    """A task whose owner the sources do not hold keeps its text, not the guess. The model fills an owner
    it cannot read with a name from the worked example ("Ben | Borrow a wind machine from the school",
    "Tomasz | Keep on at Liftwell": 1-3 tasks a meeting in the stop 30-32 runs), and such a task was
    dropped whole as ungrounded; without the owner, `_attribute` gives it to whoever the lines give it to,
    or to nobody. (Not the due: a due the lines do not hold is as often a misparsed line as a guess.)"""
    if not new.owner or sources.check(new.owner).grounded:
        return new
    report.owners_unclear.append(f"{new.owner}: {new.text} (not a name in the transcript)")
    return replace(new, owner="")


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
    if not is_said(new.text, segments):
        return None
    if new.owner and not is_tied(new.owner, new.text, segments):
        report.owners_unclear.append(f"{new.owner}: {new.text}")
        return Extracted(new.kind, new.text, "", new.due)
    return new
