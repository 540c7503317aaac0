"""Who a task belongs to, read from how the meeting says it, not from the model's guess.

Owners are what small models get wrong most: on the demo meeting the 1.5B model gave Tom's pilot summary
to Sarah (she was thanked in the line before) and David's migration to Sarah (she was named in his
sentence). The transcript usually says the owner in one of a few ways, and those are read here:

    "David owns the migration" / "Sarah will fix ..." / "Tom to move the campaign"   the subject
    "Tom, can you write a short summary ...?"                                        the person asked
    "I will take it myself" spoken by Maria (a labelled line)                        the speaker
    "Sure, I will share it on Monday" right after "Tom, can you ...?"                the person asked

Each such claim covers its clause ("Sarah will fix the payment issues and write the test plan, Tom will
move the campaign": two clauses, two owners). A task's owner is the claimant of the clause that shares
most of the task's content words; on a tie the later clause wins, because a reassignment comes after the
first assignment and a recap at the end restates the final state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from pipeline.messages import Segment
from stages.summarize.grounding import (
    CONTENT_STOPWORDS,
    MONTHS,
    NOT_A_TITLE,
    OPENING_VERBS,
    SENTENCE_END,
    TASK_VERBS,
    WEEKDAYS,
    content_words,
    names,
    numbers,
    stem,
)

_NAME = r"([A-Z][a-z]+)"
# "David owns", "Sarah will", "Tom'll", "Grace is going to", "Sven to renegotiate" (a recap's shorthand).
_SUBJECT = re.compile(
    _NAME + r"(?:'ll|\s+(?:will|shall|owns|own|takes|is taking|is going to|is gonna|can take|agreed to|"
    r"volunteered to|offered to|is responsible for|is on|handles|to (?=[a-z]+ )))\b"
)
# The shorthand "Tom to move the campaign" opens a clause; "ask Kevin to help" gives Kevin nothing.
_CLAUSE_START = re.compile(r"(?:^|[,;:.!?]\s*|\b(?:and|then|so)\s+)$")
# An "if" earlier in the same clause: what follows is a condition ("They fit if I take the shelves out").
_CONDITIONAL = re.compile(r"\b(?:if|unless|whether|in case)\b[^,;:.!?]*$", re.IGNORECASE)
# "Tom, can you ...", "Amara, could you ...", "Chris, please ...", "Julia, would you ...".
_ASKED = re.compile(_NAME + r",\s+(?:can|could|would|will)\s+you\b|" + _NAME + r",\s+please\b")
# A speaker taking a task: "I'll", "I will", "I can", "I'm going to", "let me", "I'll take it".
# Not negated: "I can't get to the boiler. ... I had to climb over the cookbooks" gave Phil a task (library).
_FIRST_PERSON = re.compile(
    r"\b(?:I'll|I will|I can|I'm going to|I am going to|I'm gonna|let me|I own|I'm taking|I am taking|I take|"
    r"I'm on it|I'll handle|I handle)\b(?!['’]t|\s+not\b|\s+never\b)", re.I)


@dataclass(frozen=True)
class Claim:
    """A person and the clause that gives them something to do."""

    person: str  # as the transcript spells it
    clause: str
    order: tuple[int, int]  # (sentence, clause) in meeting order: the later claim wins a tie
    sentence: Sentence
    marker: str = ""  # the words that make the claim: "David owns", "Tom, can you", "I'll"


@dataclass(frozen=True)
class Sentence:
    text: str
    speakers: frozenset[str]  # who said it, where the source labels speakers
    segments: tuple[Segment, ...]  # the committed segments it was joined from


ANONYMOUS = re.compile(r"^S\d+$")  # a live speaker label (stages/speakers.py) not yet given a name
# A reply that takes on the request before it: "Sure, I will share it on Monday."
_ACCEPTS = re.compile(r"^\W*(?:sure|yes|yeah|yep|ok|okay|of course|absolutely|certainly|happy to|no problem|will do|"
                      r"can do|fine|alright|all right)\b", re.IGNORECASE)
# The next speaker thanking the last by name: "I will fix the payment issues ..." / "Thank you, Sarah." On an
# unlabelled transcript (audio without speaker labels) that is often the only place the committer is named.
_THANKED = re.compile(r"^\W*(?:thank you|thanks)(?: (?:so|very) much)?,?\s+" + _NAME + r"\b", re.IGNORECASE)


def joined(segments: Sequence[Segment]) -> list[Sentence]:
    """Segments joined into sentences: streaming ASR commits fragments ("David owns the" / "database
    migration."), labelled by speaker or not; a labelled line of text input (no word times) is a whole
    utterance already. A sentence never spans two speakers."""
    out: list[Sentence] = []
    part: list[Segment] = []

    def close() -> None:
        if part:
            out.append(Sentence(" ".join(s.text for s in part).strip(),
                                frozenset(s.speaker for s in part if s.speaker), tuple(part)))  # fmt: skip
            part.clear()

    for seg in sorted({s.seq: s for s in segments}.values(), key=lambda s: s.seq):
        utterance = bool(seg.speaker) and not seg.words  # text input: one line, one utterance
        if utterance or (part and part[-1].speaker != seg.speaker):
            close()
        part.append(seg)
        if utterance or seg.text.rstrip()[-1:] in ".?!":
            close()
    close()
    return out


def sentences(segments: Sequence[Segment]) -> list[tuple[str, set[str]]]:
    """`joined` as (text, speakers) pairs."""
    return [(s.text, set(s.speakers)) for s in joined(segments)]


def people_in(segments: Sequence[Segment]) -> set[str]:
    """Who the segments show to be people (lower-cased): the speakers, capitalised words used inside a
    sentence ("thanks, Sarah"), not only at its start, where any word is capitalised, and those asked
    to do something ("Tom, can you ...")."""
    found = {s.speaker.lower() for s in segments if s.speaker}
    said = sentences(segments)
    for text, _ in said:  # whole sentences: an ASR fragment may start with "David owns"
        found |= names(text, sentence_initial=False)
        for m in _ASKED.finditer(text):  # "Tom, can you ..." says Tom is a person, even opening a sentence
            found |= names(m.group(1) or m.group(2))
    lowered = " ".join(text for text, _ in said)
    for text, _ in said:
        # "David owns the database migration and sends the plan by Friday." opening a recap: the only place
        # the stop-21 demo's transcript named David (Whisper heard the earlier "Great, David owns" as
        # "Great, game it owns"). A word the meeting also uses in lower case is not a name ("Testing will
        # take two weeks"); a team that owns a task ("Finance will send the numbers") may be its owner.
        m = _OPENS_AS_OWNER.match(text)
        if m and (low := m.group(1).lower()) not in _NOT_PEOPLE and names(m.group(1)) \
                and not re.search(rf"\b{low}\b", lowered):
            found.add(low)
    return found


_NOT_PEOPLE = CONTENT_STOPWORDS | frozenset(
    "everything something anything nothing everybody somebody anybody either neither another other others "
    "mine yours ours theirs whoever whatever whichever nobody none".split())
# A capitalised word opening a sentence as the subject of a task: "David owns ...", "Priya will ...".
# Not a gerund: "Mentoring takes real time" (a dev meeting) made "Mentoring" an owner.
_OPENS_AS_OWNER = re.compile(r"(?![A-Z][a-z]{3,}ing\b)" + _NAME + r"(?=(?:'ll|\s+(?:will|owns|is going to|is responsible for))\s+[a-z])")


def claims(segments: Sequence[Segment]) -> list[Claim]:
    """Every claim the segments make, in meeting order."""
    people = people_in(segments)
    found: list[Claim] = []
    asked: str | None = None  # the person the previous sentence asked to do something
    said = joined(segments)
    for i, sentence in enumerate(said):
        text, who = sentence.text, sentence.speakers
        thanked = _thanked(said[i + 1], people) if i + 1 < len(said) and len(who) != 1 else None
        if thanked and any(re.search(rf"\b{re.escape(thanked)}\b", s.text) for s in said[max(0, i - 1) : i + 1]):
            thanked = None  # "Sarah presented the results. I will update ..." / "Thanks, Sarah": not hers
        marks: list[tuple[int, str, str]] = []  # (position in the sentence, person, marker)
        for m in _SUBJECT.finditer(text):
            if m.group(1).lower() in people and (not m.group(0).endswith(" to ") or _CLAUSE_START.search(text[: m.start()])):
                marks.append((m.start(), m.group(1), m.group(0)))
        asked_here = None
        for m in _ASKED.finditer(text):
            person = m.group(1) or m.group(2)
            if person.lower() in people:
                marks.append((m.start(), person, m.group(0)))
                asked_here = person
        for m in _FIRST_PERSON.finditer(text):
            if _CONDITIONAL.search(text[: m.start()]):
                continue  # "They fit if I take the shelves out": a condition, not a commitment
            speaker = next(iter(who)) if len(who) == 1 else asked or thanked
            if speaker and ANONYMOUS.match(speaker) and asked and _ACCEPTS.match(text):
                speaker = asked  # "Tom, can you ...?" / S2: "Sure, I will": S2 is Tom, the name reads better
            if speaker and not any(abs(m.start() - p) < 3 for p, _, _ in marks):
                marks.append((m.start(), speaker, m.group(0)))
        marks.sort()
        for k, (pos, person, marker) in enumerate(marks):
            end = marks[k + 1][0] if k + 1 < len(marks) else len(text)
            found.append(Claim(person, text[pos:end], (i, k), sentence, marker))
        # An unlabelled "Sure, I will ..." answers the request of the sentence just before it only.
        asked = asked_here
    return found


def _thanked(reply: Sentence, people: set[str]) -> str | None:
    """The person a sentence opens by thanking ("Thank you, Sarah. Tom, what about ..."), when a person."""
    m = _THANKED.match(reply.text)
    return m.group(1) if m and m.group(1).lower() in people else None


def best_claim(task: str, segments: Sequence[Segment], share: float = 0.0) -> Claim | None:
    """The claim that gives `task` to someone, or None when no clause of the segments does. The claiming
    clause holds two of the task's content words at least, and `share` of them. The latest claim within
    one word of the best wins: a reassignment comes later and is often said in other words ("Priya will
    take over the migration from David" after "David owns the database migration")."""
    words = content_words(task)
    need = max(min(2, len(words)), round(share * len(words) + 0.49))
    if need == 0:
        return None
    # The person's own name is not the task: "Ravi's offer is accepted" is not given to Ravi by "Ravi
    # has another offer".
    scored = [(len((words - content_words(c.person)) & content_words(c.clause)), c) for c in claims(segments)]
    scored = [(score, c) for score, c in scored if score >= need]
    if not scored:
        return None
    top = max(score for score, _ in scored)
    return max((c for score, c in scored if score >= top - 1), key=lambda c: c.order)


def owner_of(task: str, segments: Sequence[Segment], share: float = 0.0) -> str | None:
    """The person the meeting gives `task` to (see `best_claim`)."""
    claim = best_claim(task, segments, share)
    return claim.person if claim else None


_AS_ACTION = re.compile(r"^" + _NAME + r"(?:'ll|\s+will|\s+is going to|\s+to)\s+(.+)$")


def as_action(text: str, people: set[str]) -> tuple[str, str] | None:
    """A "decision" that is a person's task ("Sarah will write a short summary"): (person, task), when
    the person is one of `people` (see `people_in`)."""
    m = _AS_ACTION.match(text.strip())
    if not m or m.group(1).lower() not in people:
        return None
    task = m.group(2).strip()
    return m.group(1), task[:1].upper() + task[1:]


# -- tasks said in so many words ----------------------------------------------------------------------------
# What a claim's marker makes of the words after it: "David owns the migration" -> "Own the migration".
_MARKER_VERB = (("owns", "Own"), ("own", "Own"), ("takes", "Take"), ("is taking", "Take"), ("i'm taking", "Take"),
                ("i am taking", "Take"), ("i take", "Take"), ("can take", "Take"), ("handles", "Handle"),
                ("i handle", "Handle"), ("i'll handle", "Handle"), ("is responsible for", "Handle"),
                ("is on", "Handle"))  # fmt: skip
# Offers and turns of speech, not tasks: "I can start with the engineering status", "I'll be honest".
_NOT_A_TASK = re.compile(
    r"^(?:be|say|start|begin|go|think|mention|add|admit|guess|pass|keep|explain|remind|repeat|tell you|try|"
    r"see|stop|leave|wait|jump|read|hand|share my|give you|come back to that|have (?:a|to)|need|want|like|love|"
    r"probably|maybe|do (?:it|that|this|so)|take (?:it|that|this)|check$)\b", re.IGNORECASE)
# Where a said task ends: a subordinate clause, a new clause after a comma ("I'll sort it with Danielle, it's a
# paperwork thing, don't worry about it": catering), a question, the end of a sentence.
_CUT = re.compile(r",?\s+(?:but|because|since|so|if|unless|though|although|while|which|once)\b|[;:]|"
                  r",\s+(?:and\s+)?(?:then\s+)?(?=I\b|we\b|you\b|(?:it|that|this|there|they|he|she)(?:'s|'re| is| are)\b|"
                  r"don't\b|do not\b)|\?|" + NOT_A_TITLE + r"\.(?:\s|$)")
_DUE = re.compile(
    r"\s*,?\s*\b(?:by|on|before|until|due|no later than)?\s*(?:(?:next|this|the end of|end of)\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|week|month|"
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)\s+\w+)"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*$", re.IGNORECASE)
_ADVERB = re.compile(r"^\s*(?:(?:also|then|just|still|really|definitely|happily|gladly|quickly)\s+)+", re.IGNORECASE)
_FILLER = re.compile(r"\b(?:myself|first|too|also|as well|then|now|today)\b[,.]?\s*$", re.IGNORECASE)


# What a due date leaves behind when it is cut off a task: "Book the van for (Friday)"; "write a test plan
# for the migration my (next Wednesday)": Whisper tiny's "by" in stop 19's make demo.
_BEFORE_DUE = re.compile(r"\s+(?:for|at|in|to|from|by|my|on|until|before)$", re.IGNORECASE)


def due_in_text(text: str) -> tuple[str, str]:
    """A task with its due date still in its words ("Send the plan to the team by Friday", as the model
    sometimes writes it): (the task, the date), or (text, "") when it ends with none."""
    m = _DUE.search(text)
    if not m or not _DAY_NAME.search(m.group(0)) or not content_words(text[: m.start()]):
        return text, ""
    due = m.group(0).strip(" ,")
    # A month is a date only with its day, after a word that makes it a deadline: "Review the August
    # numbers" and "Collect the June invoices" keep their months.
    if _MONTH_DUE.search(due) and not _MONTH_DAY.search(due):
        return text, ""
    return _BEFORE_DUE.sub("", text[: m.start()]).rstrip(" ,"), _date_of(m)


_MONTH_DUE = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
_MONTH_DAY = re.compile(r"^(?:by|on|before|until|due|no later than)\s+\S+\s+(?:\d{1,2}(?:st|nd|rd|th)?|[a-z]+(?:st|nd|rd|th))$",
                        re.IGNORECASE)


@dataclass(frozen=True)
class SaidTask:
    person: str
    task: str
    due: str
    claim: Claim


# Verbs that open a second task joined by "and": "Sarah will fix the payment issues and write the test plan"
# is two tasks. Only these (grounding.TASK_VERBS) split: "fix the payment screen and the login" is one task
# with two objects, and "plan", "test", "order", "set" after "and" are nouns as often as verbs.
# The verb must be followed by what opens an object ("and write the test plan", "and send it round"): "the
# budget and review schedule", "emails and calls from the press" are nouns.
# In a task (not a decision), a word the list does not know opens a second task too when a determiner follows
# it: between "and" and "the plan" only a verb fits. Stop 25's `make demo` recap "David owns the database
# migration and end the plan by Friday" ("sends", misheard) stayed one task, matched the model's "End the plan"
# and lost the migration; "and maybe the docs", "and especially the", "and including the" are no verbs. A
# decision keeps its two halves ("Drop the short rib and use the braised chicken thighs": one swap).
_NOT_A_VERB = CONTENT_STOPWORDS | frozenset(
    "maybe perhaps probably possibly like unlike during without within between against across through via per "
    "toward towards among beyond despite except plus even only never always often sometimes usually later now "
    "soon instead hence therefore thus yet both either neither half most many few several whether once since "
    "unless although though whereas".split())
_DETERMINER = r"(?:the|a|an|my|our|your|their|his|her|its|this|that|these|those)\b"
_AND_KNOWN = (r"\s*,?\s+and\s+(?:(?:also|then)\s+)?(?=(?i:(?:" + "|".join(sorted(TASK_VERBS)) + r")(?:e?s)?\s+"
              r"(?:the|a|an|my|our|your|their|his|her|its|this|that|these|those|it|them|him|us|me|up|out|"
              r"back|over|in|off|down|round|around|all|some|any|every|each|both)\b)")
_AND_VERB = re.compile(_AND_KNOWN + ")")
_AND_ANY_VERB = re.compile(_AND_KNOWN + r"|(?!(?:" + "|".join(sorted(_NOT_A_VERB)) + r")\s)[a-z]{2,}(?<!ly)(?<!ing)"
                           r"\s+(?i:" + _DETERMINER + r"))")


def said_task(claim: Claim) -> list[SaidTask]:
    """The tasks a claim says in so many words, none when it says none: "I will fix the payment issues
    first, and I will write ..." -> Fix the payment issues; "Tom, can you write a short summary of the
    feedback?" -> Write a short summary of the feedback; "Sarah will fix the payment issues and write the
    test plan by Wednesday" -> two tasks, both due Wednesday. Offers ("I can start with ..."), turns of
    speech ("I'll be honest"), pronoun tasks ("I'll do it") and statements that are questions say none."""
    marker, clause = claim.marker, claim.clause
    asked = "you" in marker.lower().split() or marker.lower().endswith("please")
    if marker.lower() in ("i can",) or (not asked and claim.sentence.text.rstrip().endswith("?")):
        return []
    rest = clause[len(marker):] if clause.startswith(marker) else clause
    rest = _ADVERB.sub("", rest)
    verb = next((v for m, v in _MARKER_VERB if marker.lower().endswith(m)), "")
    rest = _CUT.split(rest, maxsplit=1)[0].strip(" ,.-")
    rest = re.sub(r"\s*,?\s*\band\s*$", "", rest)
    due = ""
    if (m := _DUE.search(rest)) and content_words(rest[: m.start()]):
        due = _date_of(m)
        rest = _BEFORE_DUE.sub("", rest[: m.start()])  # "Book the van for (Friday)"
    out = []
    parts = _AND_ANY_VERB.split(rest)
    for k, part in enumerate(parts):
        part = _FILLER.sub("", part).strip(" ,.")
        if k:  # a recap's "... and sends the plan": Send the plan
            part = _base_verb(part)
        task = f"{verb} {part}".strip() if verb and k == 0 else part  # "David owns X and sends Y": Own X
        if not task or _NOT_A_TASK.match(task):
            continue
        if len(content_words(task) - content_words(claim.person)) < 2:
            continue
        # A date at the end belongs to the last task ("fix the payment issues and write the test plan by
        # Wednesday": the demo's Sarah said the test plan was due Wednesday, the fix came first).
        out.append(SaidTask(claim.person, task[:1].upper() + task[1:], due if k == len(parts) - 1 else "", claim))
    return out


_DAY_NAME = re.compile(r"\b(?:" + "|".join((*WEEKDAYS, "tomorrow", "today", "tonight", *MONTHS)) + r")\b", re.IGNORECASE)


def _date_of(due: re.Match[str]) -> str:
    """A `_DUE` match without its lead word: " by Friday" -> "Friday"."""
    return re.sub(r"^(?:by|on|before|until|due|no later than)\s+", "", due.group(0).strip(" ,"), flags=re.IGNORECASE)


def due_phrase(due: str) -> str:
    """Only the date of a due date: the 1.5B model wrote "end the plan by Friday" as the due of David's
    migration (from "David owns the database migration and end the plan by Friday", the demo's ASR)."""
    m = _DUE.search(due)
    if not m or not _DAY_NAME.search(m.group(0)):  # "the end of the month" stays whole
        return due
    return _date_of(m)


# A task said with a pronoun ("I'll get them", "I'll do it") and the thing named in the same turn as the
# speaker's: "... The chairs are mine." (catering), "... I've got the orientation." (library). Both hand-written
# dev meetings give owners this way; the model noted neither.
_PRONOUN_TASK = re.compile(r"^(?P<verb>[a-z]+)\s+(?:it|them|that|this|those)\s*[.!,]?\s*$", re.IGNORECASE)
_TAKEN = re.compile(
    r"\b(?:I've got|I have got|I got|I'll take|I take|I'm taking)\s+(?P<a>the [a-z][\w' -]{2,40}?)\s*(?=[.,;!?]|$)|"
    r"\b(?P<b>the [a-z][\w' -]{2,40}?)\s+(?:is|are)\s+(?:mine|on me)\b", re.IGNORECASE)
_TURN_DAY = re.compile(
    r"\b(?:(?:next|this)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow)"
    r"(?:\s+(?:morning|afternoon|evening|night))?(?:\s+the\s+\d{1,2}(?:st|nd|rd|th)|\s+the\s+[a-z]+(?:st|nd|rd|th))?",
    re.IGNORECASE)
TURN_SENTENCES = 3  # sentences of the same speaker after the pronoun task that may name its object


def _named_in_turn(claim: Claim, turn: Sequence[Sentence], asked: str) -> SaidTask | None:
    """A pronoun task whose object the speaker's turn names as theirs: "I'll get them. Friday morning,
    first thing. The chairs are mine." -> Get the chairs (due Friday morning). The thing must be what the
    others raised just before (`asked`: "Oh, actually, Rosa, the chairs ..."): "I'll do it. I've got the
    time this week" gives nothing."""
    rest = claim.clause[len(claim.marker):] if claim.clause.startswith(claim.marker) else claim.clause
    first = _CUT.split(rest, maxsplit=1)[0]  # "get them" of "I'll get them. Friday morning, ..."
    m = _PRONOUN_TASK.match(_ADVERB.sub("", first).strip())
    text = " ".join(s.text for s in turn)
    start = text.find(claim.clause)
    after = text[start + len(claim.clause) - len(rest) + len(first):] if start >= 0 else text
    taken = _TAKEN.search(after)
    if not m or not taken:
        return None
    thing = _TURN_DAY.split((taken.group("a") or taken.group("b")).strip())[0]
    thing = re.sub(r"\s+(?:on|by|at|for|this|next)$", "", thing.strip(" ,"))  # "the car on (Friday)"
    task = f"{m.group('verb').capitalize()} {thing[:1].lower()}{thing[1:]}"
    if not content_words(thing) & content_words(asked):  # "get" and "do" carry no content: the thing must
        return None
    day = _TURN_DAY.search(after)
    return SaidTask(claim.person, task, day.group(0) if day else "", claim)


def said_tasks(segments: Sequence[Segment], new_from: int = -1) -> list[SaidTask]:
    """The tasks the segments give people in so many words (see `said_task`), and pronoun tasks whose
    object the speaker's turn names (`_named_in_turn`), those said in a sentence that ends at or after
    segment `new_from`."""
    out = []
    said = joined(segments)
    requested: dict[str, tuple[int, list[SaidTask]]] = {}  # person -> (sentence, tasks) of the last request
    for claim in claims(segments):
        tasks = said_task(claim)
        if claim.marker.lower().endswith(("you", "please")):
            requested[claim.person.lower()] = (claim.order[0], tasks)
        elif not tasks and (reply := _accepted(claim, requested, said)) is not None:
            tasks = [reply]
        if claim.sentence.segments[-1].seq < new_from:
            continue
        if not tasks and claim.sentence.speakers:  # whose turn it is needs a speaker label
            i = claim.order[0]
            turn = [said[i]]
            for nxt in said[i + 1 : i + 1 + TURN_SENTENCES]:
                if nxt.speakers != said[i].speakers:
                    break
                turn.append(nxt)
            # what the others said just before: the thing was raised there ("..., the chairs." / "Ugh.
            # Okay, so who..." / "I'll get them. ... The chairs are mine.")
            asked = " ".join(s.text for s in said[max(0, i - TURN_SENTENCES) : i] if s.speakers != said[i].speakers)
            tasks = [t] if (t := _named_in_turn(claim, turn, asked)) is not None else []
        out += tasks
    return out


def _accepted(claim: Claim, requested: dict[str, tuple[int, list[SaidTask]]], said: Sequence[Sentence]) -> SaidTask | None:
    """The task a person was asked for, dated by their reply: "Tom, can you write a short summary on the
    feedback for the team?" / "Sure, I will share it on Monday." -> Write a short summary on the feedback
    for the team (due Monday). The reply is the next sentence, accepts ("sure", "yes", ...), names no task
    of its own, and gives a date. Stop 25's `make demo` listed the summary without its due and, from the
    recap "Tom will ... share the pilot summary on Monday", the same summary again."""
    asked = requested.get(claim.person.lower())
    i = claim.order[0]
    if asked is None or asked[0] != i - 1 or len(asked[1]) != 1 or not _ACCEPTS.match(said[i].text):
        return None
    rest = _CUT.split(claim.clause[len(claim.marker):], maxsplit=1)[0].strip(" ,.-")
    m = _DUE.search(rest)
    if not m or not _DAY_NAME.search(m.group(0)):
        return None
    return SaidTask(claim.person, asked[1][0].task, _date_of(m), claim)


# A sentence that asks for a task of its own, on a thing it names: "Please send a plan ...", "And send the
# invoice by Monday". Not the claimed task again: "Please have it done by Friday", "Get it to staging".
_REQUEST = re.compile(r"^(?:(?:and|so|then|also|oh)\W+)*(?:please,?\s+)?(?:" + "|".join(sorted(TASK_VERBS)) + r")\s+"
                      r"(?:[\w.']+\s+){0,2}?(?:the|a|an|our|your|those|these)\b", re.IGNORECASE)


def due_of_another(task: str, due: str, segments: Sequence[Segment]) -> bool:
    """Whether every clause that says `due` gives it to another task: "Tom will move the campaign and share
    the pilot summary on Monday" makes Monday the summary's, and the 1.5B model gave it to the campaign too
    (stop 21's `make demo`). A clause that says the task with that date, or says it in words this reading
    cannot split, keeps the due; so does a due no clause says (the other checks judge that). A clause
    sharing none of the task's words is about something else and does not count either way."""
    words = content_words(task)
    need = min(2, len(words))
    pattern = re.compile(rf"\b{re.escape(due.strip())}\b", re.IGNORECASE)
    elsewhere = False
    for claim in claims(segments):
        if not pattern.search(claim.clause):
            continue
        parts = SENTENCE_END.split(claim.clause)
        dated = [p for p in parts if pattern.search(p)]
        if (len(parts) > 1 and any(len(words & content_words(p)) >= need for p in parts if p not in dated)
                and all(len(words & content_words(p)) < need and _REQUEST.match(p) for p in dated)):  # fmt: skip
            # The date has a request of its own about something else: "David owns the database migration.
            # Please send a plan to the team by Friday." dates the plan, not the migration (`make demo`).
            # A time said on its own is the task's: "I'll get them. Friday morning, first thing, ..."
            elsewhere = True
            continue
        tasks = said_task(claim)
        mine = [t for t in tasks if len(words & content_words(t.task)) >= need]
        others = [t for t in tasks if t not in mine and pattern.fullmatch(t.due.strip())]
        if not mine and len(words & content_words(claim.clause)) < need:
            continue  # about something else: "Sure, I will share it on Monday" says nothing of the campaign
        if not mine or any(t.due for t in mine) or not others:
            return False
        elsewhere = True
    return elsewhere


# Verbs a task opens with that no list above holds, taken as they are.
_OTHER_VERBS = frozenset("own take help run set test plan lead chase sort join attend visit print ship".split())
_VERB_OBJECT = re.compile(r"\b([a-z]+)\s+(?:the|a|an|our|my|your|their|this|that)\s+([a-z]+)", re.IGNORECASE)
# A task written as its owner said it: "I will move the campaign to March 24" (stop 38's `make demo`, noted
# as Tom's task in Tom's words). Not "I'll be ..." nor "I can't ...": no task follows those.
_SAID_AS_CLAIM = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|sure|yes|yeah|right|fine|so|and|then)[,.!]?\s+)*(?:I(?:'ll| will| can| am going to|'m going to|"
    r"'m gonna| need to| have to)|let me)\s+(?:also\s+|just\s+|then\s+|go ahead and\s+)?(?!be\b|have\b|not\b|never\b)"
    r"(?=[a-z])", re.IGNORECASE)


def as_task(task: str) -> str:
    """A task the model wrote in its owner's first person, as a task: "I will move the campaign to March
    24" -> "Move the campaign to March 24". The owner is the item's own field; notes list tasks as things
    to do, and "Tom: I will ..." reads as a quote."""
    m = _SAID_AS_CLAIM.match(task)
    rest = task[m.end():] if m else ""
    if not m or len(rest.split()) < 2 or re.fullmatch(r"\w+\s+(?:it|that|this|them)\W*", rest):
        return task  # "I'll do it" names no task: as written, it is at least a quote

    return rest[0].upper() + rest[1:]


MISHEARD = 0.75  # how alike (difflib's ratio) a task's unknown first word and the verb it stands for must be


def misheard_verb(task: str, segments: Sequence[Segment]) -> str:
    """A task whose first word is no verb the lists know, with the verb a line of the meeting says before
    the same object, when the two words sound alike: stop 25's `make demo` recap "David owns the database
    migration and end the plan by Friday" (Whisper's "end" for "sends") after "Please send a plan to the
    team by Friday" -> Send the plan. A word unlike every verb said with that object stays ("Ping the
    vendor" after "call the vendor")."""
    first, _, rest = task.partition(" ")
    verb = first.lower()
    if not rest or verb in TASK_VERBS or verb in OPENING_VERBS or verb in _OTHER_VERBS:
        return task
    words = [w for w in rest.split() if not re.fullmatch(_DETERMINER, w.lower())]
    thing = content_words(words[0]) if words else set()  # "the plan" -> {"plan"}
    if not thing:
        return task
    best, best_ratio = "", MISHEARD
    for sentence in joined(segments):
        for m in _VERB_OBJECT.finditer(sentence.text):
            base = _task_verb(m.group(1).lower())
            if base and content_words(m.group(2)) == thing:
                ratio = SequenceMatcher(None, verb, base).ratio()
                if ratio >= best_ratio and base != verb:
                    best, best_ratio = base, ratio
    return f"{best.capitalize()} {rest}" if best else task


def _task_verb(word: str) -> str:
    """A task verb's base form, as `word` spells it ("sends" -> "send", "Fixes" -> "Fix"); "" for no task verb."""
    return next((b for b in (word, word[:-1], word[:-2]) if b.lower() in TASK_VERBS), "")


def _base_verb(part: str) -> str:
    """A task after "and" with its verb in the base form: "sends the plan" -> "send the plan"."""
    first, _, tail = part.partition(" ")
    return f"{_task_verb(first) or first} {tail}".strip()


def split_task(text: str, task: bool = True) -> list[str]:
    """A task the model wrote as two ("Move the campaign and share the pilot summary", the 1.5B model on
    stop 21's `make demo` recap) as its parts, split where `said_task` splits a said one (before a verb with
    an object); one part when it is one task. A decision (`task=False`) splits only before a known task
    verb."""
    parts = [p.strip(" ,.") for p in (_AND_ANY_VERB if task else _AND_VERB).split(text)]
    out = []
    for k, part in enumerate(parts):
        part = _base_verb(part) if k else part
        if len(content_words(part)) >= 2:
            out.append(part[:1].upper() + part[1:])
    return out if len(out) > 1 else [text]


def names_nothing(task: str) -> bool:
    """A task that is only a verb and a pronoun ("Take it myself", "Do that"): nothing a reader of the
    notes could act on. The 1.5B model listed "Sarah | Take it myself" from "Sarah's team is busy with
    testing, so I will take it myself" (stop 22's `make demo`: David said it). Nor a verb with only people
    and particles: "Correct that with him", "Chase him", "Take back what I said", "Let her know" (side
    remarks of the read meetings that the model listed as action items)."""
    text = _FILLER.sub("", task.strip()).strip(" ,.")
    if _PRONOUN_TASK.match(text):
        return True
    # Only a task that names someone by pronoun (or what was said) and nothing else: "Deploy" or "Follow
    # up" name no one and stay, and a figure or a time is something ("Call her at 3").
    words = content_words(text) - content_words(text.split(" ", 1)[0])
    return bool(_SOMEONE.search(text)) and not (words - _NOBODY) and not numbers(text)


# Words that name no thing to act on: people by pronoun, particles, what was said.
_PEOPLE = "him her them me us you said".split()
_SOMEONE = re.compile(rf"\b(?:{'|'.join(_PEOPLE)})\b", re.IGNORECASE)
_NOBODY = frozenset(stem(w) for w in [*_PEOPLE, *"myself yourself himself herself themselves back out up say know".split()])
