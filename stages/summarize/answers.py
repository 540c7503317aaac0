"""What an answer may say: checked against its sources, cited by the lines it rests on.

The model's reply is shown as it is only when every person, number and date it names occurs in what the
model was given (the window, the retrieved passages, the notes). Otherwise the reply is not shown as fact:
the person gets the closest transcript line instead, or "Not discussed in this meeting." An abstention is
normalised to that sentence too, so a client can recognise it. A shown answer cites the transcript lines
that share most of its words, in or out of the window, so a person can check it against the meeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.console import clock
from pipeline.messages import Citation, Segment
from stages.summarize.checks import NEGATION, leaves_open, open_about
from stages.summarize.grounding import (
    CONTENT_STOPWORDS,
    CORRECTION,
    MONTHS,
    OPENING_VERBS,
    ORDINAL_WORDS,
    TASK_VERBS,
    WEEKDAYS,
    Sources,
    content_words,
    names,
    normalise,
    numbers,
    stem,
)
from stages.summarize.owners import Claim, Sentence, best_claim, claims, joined
from stages.summarize.prompts import NOT_DISCUSSED
from stages.summarize.retrieval import quoted_segments
from stages.summarize.said import decisions, says_unknown
from stages.summarize.store import StoreBase, keywords

_ABSTAINS = re.compile(
    r"not (?:been )?(?:discussed|mentioned|specified|stated|covered|said|addressed)|no (?:information|mention)|"
    r"(?:does|do|did)n'?t (?:say|mention|specify)|(?:does|do|did) not (?:say|mention|specify)|not (?:in|from) the "
    r"(?:transcript|meeting)|no one (?:said|mentioned)|unknown|cannot be determined|not clear",
    re.IGNORECASE,
)
MIN_SUPPORT = 2  # content words a line must share with the question to be offered as the closest line


@dataclass(frozen=True)
class Grounded:
    text: str
    citations: tuple[Citation, ...]
    shown_as_generated: bool
    why: str = ""


def abstains(text: str) -> bool:
    return not text.strip() or bool(_ABSTAINS.search(text))


_LABEL = re.compile(r"^(?:(?:fact|answer|a|decision|action|open|note)\s*:\s*)+", re.IGNORECASE)
_WH = ("what", "which", "who", "whom", "whose", "when", "where", "how", "why")


def _restates(question: str, reply: str) -> bool:
    """A reply to a wh-question that adds no word of its own is no answer: asked "Which bank will provide
    the new credit line?", never discussed, the 1.5B model said "The bank will provide the new credit
    line." (A yes/no question can be answered in its own words, so it is not judged this way.)"""
    first = question.strip().lower().split(" ", 1)[0]
    # Figures count as words of its own: "Six confirmed servers for Saturday." answers "How many servers
    # are confirmed for Saturday?" (content_words drops one-character words, so "6" alone would not count).
    own = (content_words(reply) | numbers(reply)) - content_words(question) - numbers(question)
    # A date too: "The tablet app will launch in May." adds May, which content_words drops as a modal verb.
    dated = bool(when_in(reply)) and not when_in(question)
    return first in _WH and not own and not dated


# "How long is the training?" is answered by "half a day" without a figure: a span said with "a", "an"
# or "half".
_SPAN = re.compile(r"^\s*how (?:long|often)\b", re.IGNORECASE)
_DURATION = re.compile(r"\b(?:an?|half an?|half|per|every|each)\s+(?:minute|hour|day|evening|morning|afternoon|"
                       r"night|week|fortnight|month|quarter|year|term|session|shift)s?\b", re.IGNORECASE)
_YES_NO = ("is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "will", "would", "can", "could",
           "should", "shall")
_QUANTITY = re.compile(r"^\s*how (?:much|many|long|often|far|big|large|old)\b", re.IGNORECASE)
# "What base salary ...?", "What signing bonus ...?": a how-much question in other words.
_AMOUNT = re.compile(r"^\s*what(?:'s)?\s+(?:(?:is|was|are|were|will)\s+)?(?:be\s+)?(?:the\s+)?(?:[\w'-]+\s+){0,3}?"
                     r"(?:budget|price|cost|salary|fee|bonus|rate|amount|total|revenue|spend|sum)s?\b", re.IGNORECASE)


def _unfounded(question: str, reply: str, store: StoreBase) -> str:
    """Why a reply is no answer although it does not abstain ("" when it may be one): asked "How much
    revenue was lost?", a reply without a number ("The outage caused a loss of revenue"); asked "Was the
    database restored from a backup?", a reply in the question's own words ("The database was not
    restored from a backup") that no stored sentence says (all but one of the question's content words,
    two at least). The 1.5B model gave both to never-discussed questions."""
    if (_QUANTITY.match(question) or _AMOUNT.match(question)) and not numbers(reply) and not (
            _SPAN.match(question) and _DURATION.search(reply)):
        return "a how-much question answered without a number"
    first = question.strip().lower().split(" ", 1)[0]
    if first in _YES_NO and not (content_words(reply) - content_words(question)):
        words = content_words(question)
        need = max(MIN_SUPPORT, len(words) - 1)
        said = max((len(words & content_words(_whole_sentence(hit, store).text))
                    for hit in store.search(question, limit=8)), default=0)  # fmt: skip
        if said < need:
            return "a yes/no reply in the question's own words that no line says"
    return ""


# Words that frame a question about a meeting rather than name what it is about: "What was decided about
# travel?" asks about travel whether or not anyone said "decided".
FRAME_WORDS = frozenset(
    "decide decided decides decision decisions agree agreed due happen happened happens discuss discussed "
    "mention mentioned ready plan planned planning now still currently again "
    # what qualifies the answer, not the thing: "What's the correct total ...?", "... allowed on the textiles?",
    # "Who's putting the Christmas rota together now?" (read meetings, stop 39: each declined, each said)
    "together correct actual exact allowed".split()
)


_AUX = r"(?:is|are|was|were|will|would|did|does|do|has|have|had|can|could|should|gets?|got)"
_NOT_AUX = rf"(?!{_AUX}\b)"
# ("had", "has", "got", "gets" are auxiliaries, which _NOT_AUX already leaves out.)
_SAYING = (r"(?:said|says|say|think|thinks|thought|told|tells|asked|asks|mentioned|suggested|raised|gave|gives|made|"
           r"makes|took|takes|brought|brings)")
_PLACE = r"(?:of|for|at|in|on|to|from|with|about|this|that|next|last|cost|costs)"
_PARTICLE = r"(?:\s+(?:up|over|out|off|on|in|back|around))?"
# Who or what a thing belongs to, before it: "the", "its", "this week's" ("Who is writing this week's editorial?").
_DET = r"(?:(?:the|a|an|its|their|our|his|her|this|that|these|those|any)\s+)"
_FOCUS = (  # what a question asks about: the thing it names, before its verb or its first preposition
    # What is paid or spent for: "What does the league pay for its insurance this year?", "How much are they
    # spending on social media adverts?", "What's the practice charging for teeth whitening now?" (read
    # meetings, stop 39: each never discussed, each given a figure said of something else).
    re.compile(rf"^(?:what|how\s+much)(?:'s|\s+{_AUX})\s+(?:they|we|you|it|(?:the|a|an)\s+[\w'-]+)\s+(?:pay(?:ing)?|spend(?:ing)?|spent|"
               rf"charg(?:e|es|ing))\s+(?:for|on)\s+{_DET}?(?P<f>[\w' -]+?)(?:\s+(?:{_PLACE}|now)\b|\s*\?|$)",
               re.IGNORECASE),
    re.compile(rf"^which\s+(?P<f>[\w' -]+?)\s+{_AUX}\b", re.IGNORECASE),
    # The subject of a "which" question's own verb: "Which insurer covers the leased vans?" -> insurer.
    # (Not "this / that": "Which nurse covers shifts this week?" is no "nurse covers".)
    re.compile(rf"^which\s+(?P<f>[\w'-]+(?:\s+[\w'-]+)??)\s+{_NOT_AUX}[\w'-]+(?:s|ed)\s+(?:the|a|an|its|their|our|his|her)\s",
               re.IGNORECASE),
    # "What will the new price of the enterprise plan be?"
    re.compile(r"^what\s+will\s+the\s+(?P<f>[\w' -]+?)\s+be\b", re.IGNORECASE),
    # "What are they doing about the torn polytunnel plastic?"
    re.compile(rf"^what\s+{_AUX}\s+(?:they|we|you|the\s+[\w'-]+)\s+(?:doing|going\s+to\s+do|planning)\s+"
               rf"(?:about|with)\s+{_DET}?(?P<f>[\w' -]+?)(?:\s+{_PLACE}\b|\s*\?|$)", re.IGNORECASE),
    # What someone was taken on as, or holds: "Who has been hired as the new sommelier?", "Who has the new
    # cleaning contract for the depot?"
    re.compile(rf"^who\s+(?:has|have|had)\s+been\s+[\w'-]+\s+(?:as|for)\s+{_DET}?(?P<f>[\w' -]+?)"
               rf"(?:\s+{_PLACE}\b|\s*\?|$)", re.IGNORECASE),
    re.compile(rf"^who\s+(?:has|had|got|gets)\s+{_DET}(?P<f>[\w' -]+?)(?:\s+(?:{_PLACE}|by)\b|\s*\?|$)",
               re.IGNORECASE),
    re.compile(rf"^what\s+(?!{_AUX}\b)(?P<f>[\w' -]+?)\s+{_AUX}\b", re.IGNORECASE),
    # ... up to a passive's "being": "When is the new boiler being installed?" -> new boiler.
    # A possessive runs on: "When is the clinic's next fire safety check?" -> clinic's next fire safety check.
    re.compile(rf"^(?:who|what|when|where)(?:'s|\s+(?:is|are|was|were))\s+the\s+(?P<f>[\w' -]+?)"
               rf"(?:\s+(?!(?:next|last|this|that)\b)(?:{_PLACE}|being)\b|(?<!'s)\s+(?:next|last|this|that)\b|\s*\?|$)",
               re.IGNORECASE),
    # "What will the interval ice creams cost?" (a test meeting: the 1.5B model gave it a line about minutes).
    re.compile(r"^(?:what|how much)\s+(?:will|does|do|did|would|should)\s+(?:the\s+)?(?P<f>[\w' -]+?)\s+costs?\b",
               re.IGNORECASE),
    re.compile(rf"^how\s+(?:many|much)\s+(?P<f>[\w' -]+?)\s+{_AUX}\b", re.IGNORECASE),
    re.compile(rf"^how\s+(?:much|big|large)\s+{_AUX}\s+the\s+(?P<f>[\w' -]+?)\s+costs?\b", re.IGNORECASE),
    # The object of a "who" question's verb: "Who will replace the school nurse?" -> school nurse.
    re.compile(rf"^who(?:'s|\s+(?:will|is|are|was|would|should|can)(?:\s+going\s+to)?)\s+[\w'-]+{_PARTICLE}\s+the\s+"
               rf"(?P<f>[\w' -]+?)(?:\s+(?!of\b){_PLACE}\b|\s*\?|$)", re.IGNORECASE),
    # ... and of its "-ing" verb with another determiner or none: "Who is writing this week's editorial?",
    # "Who's providing first aid cover at the tournament?", "Who's looking after the bakery's Instagram?"
    re.compile(rf"^who(?:'s|\s+(?:is|are|was|were))\s+(?!going\b)[\w'-]+ing(?:\s+(?:after|into|up|out|over))?\s+"
               rf"(?:(?:this|next|last)\s+)?{_DET}?(?P<f>[\w' -]+?)(?:\s+(?!of\b)(?:{_PLACE}|by|over)\b|\s*\?|$)",
               re.IGNORECASE),
    # The subject of a "when" question's verb: "When does the delivery truck come on Saturday?" -> delivery truck.
    re.compile(rf"^when\s+(?:will|does|do|did)\s+the\s+(?P<f>[\w'-]+(?:\s+[\w'-]+){{0,2}}?)\s+(?!be\b){_NOT_AUX}[\w'-]+{_PARTICLE}"
               rf"(?:\s+{_PLACE}\b|\s*\?|$)", re.IGNORECASE),
    # "What was decided about dark mode?" -> dark mode: what a decision question is about.
    re.compile(rf"^what\s+(?:was|were|has\s+been|have\s+been|did\s+(?:they|we|you|the\s+[\w'-]+))\s+"
               rf"(?:decided?|agreed?|settled?)\s+(?:about|on|for|regarding)\s+(?:the\s+)?(?P<f>[\w' -]+?)"
               rf"(?:\s+{_PLACE}\b|\s*\?|$)", re.IGNORECASE),
    # The object of a "who" question's own verb: "Who designed the station's new logo?" -> station's new logo.
    # Not a verb of saying or a light verb, whose object is no thing ("Who said the quote was too high?",
    # "Who gave the update?"), and up to a verb of its own.
    re.compile(rf"^who\s+(?!{_SAYING}\b){_NOT_AUX}[\w'-]+{_PARTICLE}\s+the\s+(?P<f>[\w' -]+?)"
               rf"(?:\s+(?:{_PLACE}|{_AUX})\b|\s*\?|$)", re.IGNORECASE),
    # Last, as a fallback: "How much do the Okafors still owe?" -> okafors, still, owe (runs into its verb).
    re.compile(rf"^how\s+(?:much|big|large|long|old|far)\s+(?P<aux>{_AUX})\s+the\s+(?P<f>[\w' -]+?)"
               rf"(?:\s+{_PLACE}\b|\s*\?|$)", re.IGNORECASE),
)
# The forms whose focus ends on the thing's noun: all but the fallback, whose focus may end on a verb.
HEADED = frozenset(range(len(_FOCUS) - 1))


# What a how-much question measures in, not what it is about: "How much money is left?" ("time", as in "How
# much time does the test suite take?", is an answer type below, left out of every focus).
_MEASURES = frozenset({"money"})
# Words that name the kind of answer a question wants, not a thing the meeting must have said: the answer
# is a name or a figure ("Which company is fixing the boathouse roof?" is answered by "Hadley's"; "What's
# the deadline for the grant?" by "the ninth of May"; "What's the ceiling on overtime hours?" by "sixty").
# Kept in the focus, they made meetings that said the name, the date or the figure "never mention" them.
ANSWER_TYPES = frozenset(
    "company companies firm firms business businesses date dates day days deadline time number figure amount "
    "total limit cap ceiling maximum minimum candidate candidates applicant applicants person supplier suppliers "
    "vendor vendors".split()
)
# Head nouns speakers leave off: "staging" for the staging environment, "the grant" for its application, "the
# Kettle's first drop" for its delivery (read meetings, stop 39). Unsaid, such a head alone shows nothing.
GENERIC_HEADS = frozenset(
    "environment system systems session sessions application applications process programme program project scheme "
    "service setup arrangement arrangements situation issue issues thing things side work job delivery deliveries".split()
)


# A verb a "when" question ends its thing with: "When are the medals arriving now?", "When is the compost delivery
# coming?" (read meetings, stop 39: "coming" was taken for the thing's noun).
_TRAILING_VERB = re.compile(r"\s+(?:coming|happening|starting|arriving|going|due|held)(?:\s+(?:now|still|again|currently|yet))*$",
                            re.IGNORECASE)


# A preposition inside a focus starts what the thing is for or around: "the landscaping around the new
# block" is landscaping, "the cast party after the closing show" a party.
_COMPLEMENT = re.compile(r"\s+(?:around|for|after|before|near|behind|at|in|on|with|from|to|about|during|under|"
                         r"inside|outside|by|between|beside)\s+", re.IGNORECASE)


def _search_words(text: str, measures: frozenset[str]) -> list[str]:
    # A possessive names its owner: "the station's new logo" -> station.
    return [w for w in (k.removesuffix("'s") for k in keywords(text))
            if w not in FRAME_WORDS and w not in measures and w not in ANSWER_TYPES]


def _focus(question: str) -> tuple[list[str], str]:
    """The focus's search words and its head noun ("" when its form does not end on one)."""
    words, head, _ = _focus_parts(question)
    return words, head


def _focus_parts(question: str) -> tuple[list[str], str, list[str]]:
    """`_focus`, and the words that name the thing itself: before a preposition ("landscaping" of "the
    landscaping around the new block") and not its owner ("caretaker" of "the co-op's new caretaker")."""
    for k, pattern in enumerate(_FOCUS):
        if m := pattern.match(question.strip()):
            # The fallback's focus ends on its noun too after "is / are / was / were" when a preposition
            # follows it ("How big is the bonus pool this year?"); not after "do / did / will" ("How much did
            # the team spend on travel?" runs into its verb), nor when it runs to the end ("How much do the
            # Okafors still owe?").
            headed = k in HEADED or ((m.groupdict().get("aux") or "").lower() in ("is", "are", "was", "were")
                                     and bool(re.match(rf"\s+{_PLACE}\b", question.strip()[m.end("f"):], re.IGNORECASE)))
            measures = _MEASURES if _QUANTITY.match(question) else frozenset()
            words = _search_words(m.group("f"), measures)
            before = _COMPLEMENT.split(m.group("f"), 1)[0]
            before = _TRAILING_VERB.sub("", before)  # "the medals arriving": searched with, not named by, the verb
            named = _search_words(before, measures) or words
            owners = {w.removesuffix("'s") for w in keywords(before) if w.endswith("'s")}
            owners |= {w.lower() for w in re.findall(r"([\w-]+s)'(?!\w)", before)}  # "the actors' make-up"
            return words, (named[-1] if headed and named else ""), [w for w in named if w not in owners]
    return [], "", []


def focus(question: str) -> list[str]:
    """The search words of the thing a question asks about ("Which cloud region was affected?" ->
    cloud, region; "Who is the new CFO?" -> cfo), or none when its form does not say ("Why ...?")."""
    return _focus(question)[0]


COMMON_LINES = 3  # lines a word is said in, at least, to be the meeting's own word rather than a thing's name


def unmentioned(question: str, store: StoreBase) -> list[str]:
    """The words of what the question asks about that show the meeting never named it (the store's own
    stemming: "renting" is found by "rent"): every word, when no stored line holds any ("Which cloud
    region was affected?" asked of a meeting that never said "cloud" or "region"); or its noun, when no
    line holds that and the rest are only words the meeting says all along ("How much does the new
    wedding cake cost?" of a catering meeting saying "wedding" in seven lines and never "cake"; the 1.5B
    model gave it a hundred dollars, and the napkins "ordered for 100"). A word said in a line or two
    is the thing's name said short: "the main" for the main course, "the induction ones" for the
    induction chafers: giving the noun alone whenever it is unsaid turned seven right answers of the read
    meetings into declines for seven inventions (bench.answers_banks, stop 35). Nor does a thing two of
    whose words are never said count as unnamed on that alone: tried in stop 35 ("When is the SOC 2
    compliance review?"), it declined a right answer on a blind meeting ("When's the opening night
    now?", whose "now" is no part of the thing) and was taken out by the pre-registered rule. A question
    whose form names nothing gets no such verdict."""
    words, head, core = _focus_parts(question)
    if not words:
        return []
    lines = {w: store.mention_count(w, COMMON_LINES) for w in words}  # one search per word, capped
    # The thing's own words, none said ("compost delivery" coming); not a generic head alone ("the grant's
    # application").
    if core and not any(lines[w] for w in core) and any(w not in GENERIC_HEADS for w in core):
        return core
    said = [w for w in words if lines[w]]
    if not said:
        return words
    # Only the thing's own words may be its name said short: not its owner ("the co-op's new caretaker" of
    # a meeting saying "co-op" twice and never "caretaker") nor what it is around ("around the new block").
    if (head and len(words) > 1 and head not in said and head not in GENERIC_HEADS
            and all(lines[w] >= COMMON_LINES for w in said if w in core)):  # fmt: skip
        return [head]
    return []


def ground(
    question: str,
    reply: str,
    sources: Sources,
    store: StoreBase,
    passages: Sequence[Citation],
    window: Sequence[Segment],
    owned: Sequence[tuple[str, str]] = (),
    lean: bool = False,
) -> Grounded:
    """The answer a person is shown for `reply` (see the module docstring). `owned`: the notes' tasks
    with an owner, (owner, task), which a "who" reply must agree with (`_noted`). `lean`: without the
    three rules that turned the most right replies wrong on blind meetings (README, stop 32): a line must
    tie each named person to the answer (`_unsupported_names`; a name no source holds is still refused),
    the notes' owner overrules the reply (`_noted`), a figure given to another thing (`_figure_*`)."""
    # A small model answers in the notes' or the prompt's form ("FACT: Three hundred ...", "A: ..."): the
    # label is not part of the answer.
    reply = _LABEL.sub("", " ".join(reply.split()))
    reply = sources.without_unsaid_currency(reply)  # the figure may stand; a currency nobody said does not
    if (still := _still_open(question, store)) is not None:
        return still
    if (absent := unmentioned(question, store)) and (given := _given_in_other_words(question, store, window)):
        return given
    if absent:
        # Whatever the reply says, it is not about the thing asked: "What budget was approved for the
        # campaign?" of a meeting that never said "budget" got the campaign's date from the 1.5B model. Asked
        # first, before any line is read off for an abstaining reply: "Who is the new CFO?" of a meeting that
        # never said "CFO" was given to Theo, from a line giving him "the new page" (quarterly test meeting).
        # The closest line is shown as such, for a thing the meeting names otherwise ("hotel", said "the Marriott").
        said = ", ".join(f'"{w}"' for w in absent)
        closest = _closest(question, store)
        text = f"{NOT_DISCUSSED} It never mentions {said}." + (
            f" The closest: [{clock(closest.start)}] {closest.text}" if closest else "")
        return Grounded(text, (closest,) if closest else (), False, f"the meeting never says {said}")
    unfounded = "" if abstains(reply) or _restates(question, reply) else _unfounded(question, reply, store)
    if abstains(reply) or _restates(question, reply) or unfounded:
        why = unfounded or "the model abstained"
        if (given := _given_to(question, store, window, owned, why)) is not None:
            # "Who will replace Luis on the chair pickup?" -> "Luis will replace Luis ..." (the 1.5B model,
            # a dev meeting): the task asked about has an owner all the same, "The chairs are mine" (Tariq).
            return given
        closest = _closest(question, store)
        if closest is not None and (read := _read_off(question, closest, store)):
            return _quoting(read, closest, f"{why}; the closest line gives it")
        text = NOT_DISCUSSED + (f" The closest: [{clock(closest.start)}] {closest.text}" if closest else "")
        return Grounded(text, (closest,) if closest else (), False, why)
    if _WHEN.match(question) and not when_in(reply):
        # "When will the baseline be re-run?" -> "The baseline numbers in the draft are from the old code."
        # (the 1.5B model, research meeting): no time is no answer; the line that dates the thing is one.
        closest = _closest(question, store)
        if closest is not None and (read := _read_off(question, closest, store)):
            return _quoting(read, closest, "a when-question answered without a time; the closest line gives one")
    if (spoken := _first_person(question, reply, store)) is not None:
        return spoken
    if (said := _said_decision(question, reply, window, passages, store) or
            _said_reason(question, reply, window, passages, store)) is not None:  # fmt: skip
        return said
    check = sources.check(reply)
    if not check.grounded and (kept := _without_unfounded_tail(question, reply, sources)):
        reply, check = kept, sources.check(kept)
    named = names(reply) | set(normalise(reply))  # who the reply names, a lower-case "david" too
    noted = None if lean else _noted(question, owned)  # the owner the notes give the task asked about, if any
    vouched = {noted[0].lower()} if noted and noted[0].lower() in named else set()
    if not check.grounded:
        why = check.why()
    elif lean:
        why = ""
    else:
        why = _unsupported_names(question, reply, store, window, vouched, passages)
        why = why or _figure_of_another(question, reply, store) or _figure_elsewhere(question, reply, store)
    claim = _giver(question, store, window)
    if claim is not None and claim.person.lower() not in named:
        # A "who" answer naming someone else than the line that gives the task: the line wins.
        return _person_quoting(claim.person, claim.sentence,
                               f"the reply names {sorted(names(reply)) or 'nobody'}; the meeting gives it to {claim.person}")
    if claim is None and noted and not vouched and (line := _naming_line(*noted, store)) is not None:
        return _quoting(noted[0], line, f"the reply names {sorted(names(reply)) or 'nobody'}; the notes give the task to "
                                        f"{noted[0]}")  # fmt: skip
    if why:
        closest = _closest(question, store)
        if closest is None:
            return Grounded(NOT_DISCUSSED, (), False, why)
        # The reply failed a check; the closest line may still give what a how-much or when question asks.
        # The closest line's count is read off as it is when the line names the whole thing counted
        # ("148 wedding guests" for "How many guests ...?"); a line naming part of it must hold more of
        # the question (`_read_off`): "haven't changed in two years" does not count Ravi's years of experience.
        whole = content_words(" ".join(focus(question))) <= content_words(closest.text)
        counted = _figure_in(question, closest) if whole else ""
        if read := counted or _read_off(question, closest, store):
            return _quoting(read, closest, why)
        text = f"The meeting does not say that as such. The closest: [{clock(closest.start)}] {closest.text}"
        return Grounded(text, (closest,), False, why)
    corrected = _correction_of(question, reply, store)
    if corrected is not None:
        return Grounded(f"The meeting corrected that figure: [{clock(corrected.start)}] {corrected.text}", (corrected,),
                        False, "the reply's figure was corrected later")  # fmt: skip
    moved = _moved_date(question, reply, store)
    if moved is not None:
        return _quoting(*moved, "the reply's date was moved later")
    return Grounded(reply, _support(question, reply, store, passages), True)


_DECIDED_Q = re.compile(r"^\s*what\b.*\b(?:decide[ds]?|decision|agreed?|settled?)\b", re.IGNORECASE)


def _said_decision(question: str, reply: str, window: Sequence[Segment], passages: Sequence[Citation],
                   store: StoreBase) -> Grounded | None:  # fmt: skip
    """For "What did they decide for the Sunday market?": the latest decision the meeting states in so many
    words (`said.decisions`: "Okay, let's just go with the second one, coffee and pastries only at the
    market") about what the question names, quoted, when the reply adds none of its words. The 1.5B model
    answered that question with the option floated first and dropped ("skip the Sunday market"). None
    when the question asks no decision, no stated decision names its subject, or the reply agrees."""
    if not _DECIDED_Q.match(question):
        return None
    asked = content_words(question) - content_words(" ".join(FRAME_WORDS) + " settle settled")
    if not asked:
        return None
    found = [(sentence, what) for part in _stretches(window, passages, store) for sentence, what in decisions(part)
             if len(asked & content_words(what)) * 2 >= len(asked)]  # fmt: skip
    if not found:
        return None
    # The one naming most of what is asked, the latest of those (a reversal): asked "What was decided
    # about the release date?" at the demo's end, "... move the release date ..." and not the later
    # "the startup fix goes into the release".
    sentence, what = max(found, key=lambda f: (len(asked & content_words(f[1])), f[0].segments[-1].seq))
    if (content_words(reply) - content_words(question)) & content_words(what):
        return None
    return _quoting(what, _cite(sentence), "the reply does not say what the meeting decided about it")


_FIRST_PERSON = re.compile(r"^\W*(?:me|i|i'll|i will|i'm|myself)\b", re.IGNORECASE)


def _first_person(question: str, reply: str, store: StoreBase) -> Grounded | None:
    """A "who" reply in the first person copies a speaker's line ("Who's baking the pastries for the
    market?" -> "Me, Saturday night, after the wedding.", the 1.5B model): the answer is that line's
    speaker, the line quoted. None when the question is not "who", the reply names someone, or no
    labelled line holds what the reply says."""
    if not question.strip().lower().startswith("who") or not _FIRST_PERSON.match(reply) or names(reply) - {"i", "me", "myself"}:
        return None
    words = content_words(reply)
    for hit in store.search(reply, limit=4):
        line = store.around(hit.seq, 0, 0)
        if line and line[0].speaker and words and len(words & content_words(line[0].text)) >= len(words) - 1:
            spoken = Sentence(line[0].text, frozenset({line[0].speaker}), (line[0],))
            return _person_quoting(line[0].speaker, spoken, "the reply speaks as the line's speaker")
    return None


def _person_quoting(person: str, sentence: Sentence, why: str) -> Grounded:
    """A "who" answer read off one sentence, quoted with its speaker where one said it all:
    `Kath ([00:10.0] Kath: "I'll do it.")`."""
    cite = _cite(sentence)
    said = f"{next(iter(sentence.speakers))}: " if len(sentence.speakers) == 1 else ""
    return Grounded(f'{person} ([{clock(cite.start)}] {said}"{sentence.text}")', (cite,), False, why)


_WHY_Q = re.compile(r"^\s*why\b", re.IGNORECASE)
# A reason given in so many words, up to the end of its clause: "Because of the carpet we're not in the
# community room, ..." ("since" is left out: it dates as often as it explains).
_REASON = re.compile(r"\b(?:because(?: of)?|due to|thanks to|the reason (?:is|was)(?: that)?)\s+(?P<r>[^,;.!?]+)",
                     re.IGNORECASE)


def _said_reason(question: str, reply: str, window: Sequence[Segment], passages: Sequence[Citation],
                 store: StoreBase) -> Grounded | None:  # fmt: skip
    """For "Why is the book sale not in the community room?": the part of a sentence that names all the
    question asks about and gives a reason in so many words ("Because of the carpet we're not in the
    community room"), quoted when the reply adds no word of that reason. The 1.5B model answered with what
    follows from it ("because it is outside on the front lawn"). All, not half: "Why was the short rib
    dropped?" is not answered by "she only went with the short rib because the dad wanted it". None when
    the question is not a why-question, no such sentence exists, or the reply gives that reason."""
    if not _WHY_Q.match(question):
        return None
    asked = content_words(question) - _ASKING
    if not asked:
        return None
    found = []
    for part in _stretches(window, passages, store):
        for sentence in joined(part):
            for piece in re.split(FULL_STOP_SPLIT, sentence.text):
                reason = _REASON.search(piece)
                if reason and asked <= content_words(piece):
                    found.append((sentence.segments[-1].seq, sentence, piece, reason))
    if not found:
        return None
    _, sentence, piece, reason = max(found, key=lambda f: f[0])
    if (content_words(reply) - content_words(question)) & (content_words(reason.group("r")) - asked):
        return None
    return _quoting(piece.strip(), _cite(sentence), "the reply does not give the reason the meeting gives")


def _stretches(window: Sequence[Segment], passages: Sequence[Citation], store: StoreBase) -> list[list[Segment]]:
    """What a said decision or reason is looked for in: the window, and each retrieved passage with the
    segments before it that may belong to its sentence."""
    return [list(window)] + [store.around(p.seq, SENTENCE_BACK, 2) for p in passages]


def _cite(sentence: Sentence) -> Citation:
    first, last = sentence.segments[0], sentence.segments[-1]
    return Citation(first.seq, first.start, last.end, sentence.text)


# Where a reply's last detail may begin: a comma, or a preposition that adds a time, place or amount.
_TAIL_START = re.compile(r",\s+|\s+(?=(?:at|around|by|from|with|for|on|in|until|after|before)\s)", re.IGNORECASE)


def _without_unfounded_tail(question: str, reply: str, sources: Sources) -> str:
    """The reply without its last detail, when that detail alone names what the sources do not say and
    the rest still answers: "The summer book sale is on Saturday, July 12th, at 9:00 AM." (the 1.5B model;
    the meeting said "Saturday July 12th ... Nine till three") -> "... on Saturday, July 12th." Only a
    trailing detail is cut: a reply whose unfounded part is its subject or its verb is not an answer to
    repair. Empty when no cut does it."""
    body = reply.rstrip(" .!?")
    for m in reversed(list(_TAIL_START.finditer(body))):
        head = body[: m.start()].rstrip(" ,;:")
        if len(head.split()) < 3:
            break
        if sources.check(head).grounded and content_words(head) - content_words(question):
            return head + "."
    return ""


# "What's still unresolved about the pay rise?", "What is still unknown about the lift?": the answer is what
# the meeting said it does not know yet. The 1.5B model answered such questions with a settled fact or a
# paraphrase of the question ("The boiler is still not found out about.") on 7 of the read meetings'.
_STILL_OPEN_Q = re.compile(r"^\s*what(?:'s|\s+is|\s+was|\s+remains)?\s+(?:still\s+)?(?:unresolved|undecided|unknown|"
                           r"unclear|open|up in the air|not (?:yet )?(?:decided|known|settled|clear))\s+about\s+"
                           r"(?P<f>[^?]+)", re.IGNORECASE)


def _still_open(question: str, store: StoreBase) -> Grounded | None:
    """For a question asking what is still open about a thing: the stored sentence naming most of the thing
    (the latest of those) that says it stays open or is not known yet (`checks.leaves_open`,
    `said.says_unknown`), quoted. For
    a yes/no question ("Is there going to be a second under-twelves team?"): the same, when the latest
    sentence holding all but one of its content words is that one (the model said "Yes" to two such on
    the read meetings). None otherwise."""
    m = _STILL_OPEN_Q.match(question)
    yes_no = m is None and question.strip().lower().split(" ", 1)[0] in _YES_NO
    if m is None and not yes_no:
        return None
    thing = m.group("f") if m else question
    words = content_words(thing) - FRAME_WORDS
    need = 1 if m else max(MIN_SUPPORT, len(words) - 1)
    best: tuple[int, int, Citation] | None = None
    latest = -1  # the seq of the latest sentence on the thing, open or not
    for hit in store.search(thing, limit=12):
        sentence = _whole_sentence(hit, store)
        shared = len(words & content_words(sentence.text))
        if shared < need or sentence.text.rstrip().endswith("?"):
            continue
        latest = max(latest, sentence.seq)
        # A yes/no question's line must leave the thing itself open, in the clause that names it ("The fun
        # run is on Sunday, registration details later." settles the day); "what is still open about X"
        # asks for the open part, wherever the sentence says it.
        if says_unknown(sentence.text) or (open_about(sentence.text, words) if yes_no else leaves_open(sentence.text)):
            if best is None or (shared, sentence.seq) > best[:2]:
                best = (shared, sentence.seq, sentence)
    if best is None or (yes_no and latest != best[1]):
        return None  # a yes/no question: only when the latest line on it leaves it open
    line = best[2]
    return Grounded(f"Still open: [{clock(line.start)}] {line.text}", (line,), False, "the meeting left it open")


def _quoting(text: str, line: Citation, why: str) -> Grounded:
    """An answer read off one transcript line, the line quoted and cited: `72 attendees ([00:20.0] "...")`."""
    return Grounded(f'{text} ([{clock(line.start)}] "{line.text}")', (line,), False, why)


GIVER_SHARE = 0.6  # of a "who" question's content words the line giving the task must hold to overrule


def _giver(question: str, store: StoreBase, window: Sequence[Segment]) -> Claim | None:
    """For a "who ...?" question: the line that gives the asked task to someone (owners.py), among the
    window and the stored lines that match the question, if it holds most of the question's words."""
    if not question.strip().lower().startswith("who"):
        return None
    lines: dict[int, Segment] = {s.seq: s for s in window}
    for hit in store.search(question, limit=8):
        for seg in store.around(hit.seq, 3, 3):
            lines.setdefault(seg.seq, seg)
    return best_claim(question, list(lines.values()), share=GIVER_SHARE)


# What a "who" question is about: the noun phrase after its first determiner, up to a preposition ("Who
# is running the orientation for the new teens?" -> orientation; "... the database migration?").
_OBJECT = re.compile(r"\b(?:the|a|an|our|their|his|her|this|that)\s+([\w' -]+?)(?=\s+(?:for|from|to|of|on|at|in|with|by|"
                     r"about|after|before|this|next|and)\b|\s*[?.,]|$)", re.IGNORECASE)
# Verbs a "who" question and a task share without naming the same thing ("Who will call the caterer?" and
# "Call Mrs. Okafor"): only the thing itself ties a question to a task.
_DOING = TASK_VERBS | OPENING_VERBS | frozenset("run pick take own lead cover bring going doing".split())


def _noted(question: str, owned: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """For a "who" question: (owner, task) of the notes' task it asks about, when one owner holds the
    best match. The notes' owners are read from who the meeting gives each task to (owners.py); the 1.5B
    model answered "Who is running the orientation for the new teens?" with Mei, who was asked about the
    teens, while the notes had "Kath: Do the orientation" from Kath's own turn. The task asked about shares
    most of what the question names (`_OBJECT`, then its other words; verbs do not count)."""
    if not owned or not question.strip().lower().startswith("who"):
        return None
    doing = {stem(v) for v in _DOING}
    m = _OBJECT.search(question)
    thing = content_words(m.group(1)) - doing if m else set()
    asked = content_words(question) - doing
    scored = [((len(thing & (words := content_words(task) - doing)), len(asked & words)), owner, task)
              for owner, task in owned]  # fmt: skip
    top = max((score for score, _, _ in scored), default=(0, 0))
    holders = {owner for score, owner, _ in scored if score == top}
    if top[0] == 0 or len(holders) != 1:
        return None
    person = holders.pop()
    return person, next(task for score, owner, task in scored if score == top and owner == person)


def _given_to(question: str, store: StoreBase, window: Sequence[Segment], owned: Sequence[tuple[str, str]],
              why: str) -> Grounded | None:  # fmt: skip
    """For a "who" question the model left unanswered: the person the meeting gives the task asked about
    to, from the line that gives it (`_giver`) or the notes' owner with a line naming them with the task
    (`_noted`), quoted; None when neither says."""
    if not question.strip().lower().startswith("who"):
        return None
    if (claim := _giver(question, store, window)) is not None:
        return _person_quoting(claim.person, claim.sentence, f"{why}; the meeting gives it to {claim.person}")
    if (noted := _noted(question, owned)) is not None and (line := _naming_line(*noted, store)) is not None:
        return _quoting(noted[0], line, f"{why}; the notes give the task to {noted[0]}")
    return None


def _given_in_other_words(question: str, store: StoreBase, window: Sequence[Segment]) -> Grounded | None:
    """For a "who" question whose thing the meeting never names: the person a line gives the task to in
    other words, when that line holds two of the question's other words besides its verbs ("Who will book
    the hotel for the Berlin offsite team?" / "Priya, can you book rooms for the Berlin offsite team ...?").
    One shared word is no such line: "Who is the new CFO?" is not answered by "Theo, please use that on
    the new page" (a test meeting)."""
    claim = _giver(question, store, window)
    if claim is None:
        return None
    doing = {stem(v) for v in _DOING}
    if len((content_words(question) - doing) & content_words(claim.sentence.text)) < 2:
        return None
    return _person_quoting(claim.person, claim.sentence, f"the meeting gives it to {claim.person} in other words")


def _naming_line(person: str, task: str, store: StoreBase) -> Citation | None:
    """The stored sentence that names (or was spoken by) `person` with most of the task's words, one at
    least: a line naming them about something else ("Good. Please put it on the school calendar.") is no
    evidence that the task is theirs."""
    task_words = content_words(task) - content_words(person)
    words = task_words | content_words(person)
    best, best_score = None, 0
    for hit in store.search(f"{person} {task}", limit=12):
        sentence = _whole_sentence(hit, store)
        said = content_words(sentence.text) | content_words(" ".join(s.speaker or "" for s in store.around(hit.seq, 0, 0)))
        score = len(words & said)
        if person.lower() in said and task_words & said and score > best_score:
            best, best_score = sentence, score
    return best


def _unsupported_names(question: str, reply: str, store: StoreBase, window: Sequence[Segment],
                       vouched: set[str] = frozenset(), passages: Sequence[Citation] = ()) -> str:  # fmt: skip
    """A person the answer names must be tied to what it says about them by some line: one that
    names them or that they spoke, sharing at least two of the answer's other content words. Every
    name occurring somewhere is not enough: "Sarah owns the migration" is not grounded by Sarah speaking
    about testing (the demo meeting's wrong answer). A name the question gives is the asker's, not a claim
    of the answer: asked "How much do the Okafors still owe?", the reply "The Okafors still owe $4,200"
    rests on "The balance is four thousand two hundred", which does not name them."""
    # vouched: the notes give them the task asked about. A word the question says in any case is not a
    # person the answer adds: "Homework help is on Monday ..." opens on the question's "homework help".
    people = names(reply) - names(question) - set(normalise(question)) - vouched
    if not people:
        return ""
    claim = content_words(reply) - people
    lines: dict[int, Segment] = {s.seq: s for s in window}
    for hit in store.search(f"{question} {reply}", limit=12):
        for seg in store.around(hit.seq, 0, 0):
            lines.setdefault(seg.seq, seg)
    need = min(2, len(claim))

    def ties(person: str, seg: Segment) -> bool:
        said = claim & content_words(seg.text)
        if person in normalise(seg.text) and len(said) >= need:
            return True
        if (seg.speaker or "").lower() != person or not said:
            return False
        # Their own short reply takes up what the line before it asked: "Mei: Okay, I'll ask them." after
        # "If you want shirts, ask the Friends separately" ties Mei to asking the Friends about shirts.
        before = [s for s in store.around(seg.seq, 1, 0) if s.seq < seg.seq]
        return len(said | (claim & content_words(" ".join(s.text for s in before)))) >= need

    # A run of passages the model was given is one exchange: "Ned: ... lending us their lighting desk" /
    # "... somebody has to go and collect it from the school" / "Colm: I'll collect the desk from Graham on
    # the Saturday" ties Colm to fetching the lighting desk, his own words taking up part of the claim.
    exchanges: list[list[Segment]] = []
    for passage in sorted(passages, key=lambda p: p.start):
        spoken = quoted_segments(store, passage)
        if exchanges and spoken and exchanges[-1][-1].seq + 1 >= spoken[0].seq:
            exchanges[-1].extend(spoken)
        elif spoken:
            exchanges.append(spoken)

    def in_exchange(person: str, spoken: list[Segment]) -> bool:
        return len(claim & content_words(" ".join(s.text for s in spoken))) >= need and any(
            (s.speaker or "").lower() == person and claim & content_words(s.text) for s in spoken)

    claimed = _claimers_of_the_thing(question, list(lines.values()))
    for person in sorted(people):
        if person in claimed:
            continue
        if not any(ties(person, seg) for seg in lines.values()) and not any(in_exchange(person, e) for e in exchanges):
            return f"no line ties '{person}' to the answer"
    return ""


def _claimers_of_the_thing(question: str, segments: Sequence[Segment]) -> set[str]:
    """For a "who" question: the people who take on a task about the thing it asks about, in their own words
    ("Nadia: I'll call the vendor myself" for "Who will talk to the certificate vendor?", a read test
    meeting: the reply "Nadia ..." shares one word with her line, so two shared words did not tie her)."""
    m = _OBJECT.search(question) if question.strip().lower().startswith("who") else None
    head = content_words(m.group(1).split()[-1]) if m else set()
    return {c.person.lower() for c in claims(segments) if head & content_words(c.clause)} if head else set()


def _denies(text: str, figures: set[str]) -> bool:
    """Whether `text` says one of `figures` only to deny it ("four interns, not six", "150 rather than 140")."""
    words = normalise(text)
    return any(w in figures and k and words[k - 1] in ("not", "than", "of") for k, w in enumerate(words))


# A how-much question in other words: "What does the Hartley roof job come to, all in?"
_COMES_TO = re.compile(r"^\s*what\s+(?:does|do|did|will|would)\b.*\b(?:(?:come|comes|came)\s+to|(?:add|adds)\s+up\s+to)\b|"
                       r"^\s*what\s+(?:does|do|did|will|would)\b.*\bcosts?\b", re.IGNORECASE)


def _correction_of(question: str, text: str, store: StoreBase) -> Citation | None:
    """The stored sentence that corrects a figure `text` gives, if one does: a later sentence on the same
    matter (two content words shared with the one holding the figure, one with the question) with other
    figures, said in a turn that corrects ("Sorry, with the second round we're at a hundred and forty").
    Every quality-set meeting corrects a figure, as meetings do, and the 1.5B model answered with the
    first figure from its retrieved passages (a dev meeting's "a hundred and twenty participants")."""
    # The question's own figures name the thing, not the answer: "line three" in "How many hours of
    # overtime is Dana allowing on line three?" is no figure a later line corrects.
    said = numbers(text) - numbers(question)
    if not said or not (_QUANTITY.match(question) or _AMOUNT.match(question) or _WHEN.match(question)
                        or _COMES_TO.match(question)):
        # Only a question asking a figure or a time has one to correct: "What hasn't the school made up
        # its mind about yet?" was given a line moving a date.
        return None
    asked = content_words(question)
    hits = [_whole_sentence(hit, store) for hit in store.search(f"{question} {text}", limit=12)]
    for first in hits:
        if not numbers(first.text) & said:
            continue
        matter = content_words(first.text)
        later = sorted((h for h in hits if h.seq > first.seq and numbers(h.text) - said
                        and len(matter & content_words(h.text)) >= 2 and asked & content_words(h.text)),
                       key=lambda h: -h.seq)  # fmt: skip
        for fix in later:
            if said & numbers(fix.text) and not _denies(fix.text, said) and not CORRECTION.search(fix.text):
                # Said again, it stands: "Three hundred and fifty bucks for one day is silly, we do two runs"
                # repeats the van's price (its "two runs" are no correction of it, nor the "I mean" of the
                # line before a cue). "Sorry, twelve hundred was just the tables ... it was fourteen hundred
                # and sixty" says the old figure too, and corrects it in its own words.
                continue
            if _corrects(question, text, said, fix, store):
                return fix
    return None


_APOLOGY = re.compile(r"\b(?:i'm|i am|so|really|very)\s+sorry\b|\bsorry(?=\s+(?:about|for|to|i'm|i am|we're)\b)",
                      re.IGNORECASE)


def _corrects(question: str, reply: str, said: set[str], fix: Citation, store: StoreBase) -> bool:
    """Whether `fix` corrects the reply's figure rather than saying another on the same matter: said in a
    turn that corrects itself, and giving a figure of the reply's kind. On the blind meetings of stops 30-33
    the looser test (a correction cue anywhere in the two lines before, any other figure) turned five right
    replies wrong for the one it fixed: an apology ("And one more thing on this, sorry") or another
    speaker's "I mean" counted as a cue; "fourteen hours down" corrected "Saturday, six till two", "four
    days of film" corrected "sixty hours of overtime"."""
    # An apology is no correction cue: "I know, I know, I'm sorry. So, Kyle's doing the testing ..." (a
    # building site meeting) corrected no date of the drainage inspection.
    turn = _APOLOGY.sub(" ", _turn_of(fix, store))
    if not CORRECTION.search(turn[-(len(fix.text) + 160):]):
        return False
    if _WHEN.match(question):
        return bool(when_in(fix.text))  # a date or time is corrected by one, not by a count
    new = numbers(fix.text) - said
    theirs = {_unit_after(reply, n) for n in said}
    ours = {_unit_after(fix.text, n) for n in new}
    # A bare figure ("fourteen thousand two hundred.") may correct any; two counted ones must count alike.
    return "" in theirs or "" in ours or bool(theirs & ours)


def _turn_of(fix: Citation, store: StoreBase) -> str:
    """The text of the turn `fix` is said in: its segment and the ones just before it by the same speaker
    (a segment without a speaker, as from audio without labels, is taken to continue the turn)."""
    lines = store.around(fix.seq, 2, 0)
    if not lines:
        return fix.text
    turn = [lines[-1]]
    for line in reversed(lines[:-1]):
        if line.speaker and turn[0].speaker and line.speaker != turn[0].speaker:
            break
        turn.insert(0, line)
    return " ".join(line.text for line in turn)


def _unit_after(text: str, figure: str) -> str:
    """What a figure of `text` counts, as the first content word within two words after it ("sixty hours of
    overtime" -> hour; "eighty-six a month" -> month), or "" (a bare figure: "twelve hundred.")."""
    words = normalise(text)
    for k, word in enumerate(words):
        if word == figure:
            for after in words[k + 1:k + 3]:
                if after[0].isdigit():
                    break
                if after not in CONTENT_STOPWORDS and len(after) > 1:
                    return stem(after)
            return ""
    return ""


def _closest(question: str, store: StoreBase) -> Citation | None:
    """The stored sentence that shares most content words with the question, if it shares enough. For
    a "who ...?" question a sentence that gives the task to someone ("Sarah will ... write the test
    plan") comes first: it is the line that answers it (owners.py reads who a line gives a task to).
    For a "how many / how much ...?" question a sentence holding a figure and what is counted comes
    first, even if it shares only that word: asked "How many guests are coming to the Okafor wedding?",
    the line is "... so it's a hundred and forty-eight guests, all in", not the agenda naming the wedding.
    A "what salary / budget ...?" question is a how-much one; for a "when ...?" question the sentence that
    dates what it asks about comes first ("Still, I want a full draft by May eighth")."""
    words = content_words(question)
    who = question.strip().lower().startswith("who")
    when = bool(_WHEN.match(question))
    thing = " ".join(focus(question)) if _QUANTITY.match(question) or _AMOUNT.match(question) or when else ""
    counted = content_words(thing)
    hits = store.search(question, limit=8)
    if counted:
        hits += store.search(thing, limit=8)
    best, best_score = None, (0, 0, 0)
    for hit in hits:
        sentence = _whole_sentence(hit, store)
        shared = len(words & content_words(sentence.text))
        claimed = who and any(
            len(words & content_words(c.clause)) >= MIN_SUPPORT for c in claims(store.around(hit.seq, 3, 3))
            if c.clause in sentence.text or sentence.text in c.clause
        )  # fmt: skip
        if when:  # a when-question: the line that dates what it asks about
            figure = bool(when_in(sentence.text)) and (bool(counted & content_words(sentence.text)) or shared >= MIN_SUPPORT)
        else:
            figure = bool(counted & content_words(sentence.text)) and bool(numbers(sentence.text))
        score = (int(claimed), int(figure), shared)
        if (shared >= MIN_SUPPORT or figure) and score > best_score:
            best, best_score = sentence, score
    if best is not None and numbers(best.text):  # "support first counted about nine hundred", corrected later
        return _correction_of(question, best.text, store) or best
    return best


FIGURE_REACH = 3  # words between a figure and what it counts ("sixty-five boxed lunches")


def _figure_of_another(question: str, reply: str, store: StoreBase) -> str:
    """Why the figure a how-many reply gives the counted thing is not the meeting's ("" when it is, or the
    reply gives none that way): no stored sentence gives that figure to that thing. Asked "How many guests
    are coming?", smollm2 answered "Three hundred and fifty guests are coming": the meeting's 350 was the
    van's day rate, its guests were 148."""
    said = _figure_in(question, Citation(-1, 0.0, 0.0, reply))
    if not said or not _QUANTITY.match(question):
        return ""
    figure = said.split()[0]  # "148 guests" is said by "148 wedding guests" too
    counted = content_words(" ".join(focus(question)))
    for hit in store.search(" ".join(focus(question)), limit=24):
        sentence = _whole_sentence(hit, store)
        if _figure_in(question, sentence).split()[:1] == [figure] or _figure_near(counted, figure, sentence.text):
            return ""
        # A count given as the answer to a question that names the thing: "Jen, how are we doing on
        # servers?" / "So I've got six confirmed, ..."; "..., how many do we have, four?" / "Three."
        if hit.text.rstrip().endswith("?") and counted & content_words(hit.text):
            answer = [s for s in store.around(hit.seq, 0, 1) if s.seq > hit.seq]
            if answer and figure in numbers(answer[0].text):
                return ""
    return f"no line gives '{said}'"


def _figure_near(counted: set[str], figure: str, text: str) -> bool:
    """Whether `text` gives `figure` to the counted word as the first number after it, when no number
    comes just before it: people say the number after it too ("the hall seats ninety-six" gives a
    how-many-seats reply its 96), but in "384 seats over the four shows" the seats are 384."""
    words = normalise(text)
    for i, word in enumerate(words):
        if not counted & content_words(word) or any(w[0].isdigit() for w in words[max(0, i - FIGURE_REACH) : i]):
            continue
        after = [w for w in words[i + 1 : i + 1 + FIGURE_REACH] if w[0].isdigit()]
        if after[:1] == [figure]:
            return True
    return False


def _figure_elsewhere(question: str, reply: str, store: StoreBase) -> str:
    """Why a how-much reply's figure is not the asked thing's ("" when it may be): the question names a
    word the meeting never says, and no stored sentence that names the thing (half its words at least;
    with the answer, for a question) holds that figure. Asked
    "How big is the bonus pool this year?" of a meeting that never spoke of a bonus, the 1.5B model
    answered "The bonus pool this year is twenty minutes.": the meeting's twenty minutes were its build
    time, and its only "pool" was the hiring pool. `_figure_of_another` catches a figure written before
    the counted word ("350 guests"); this one the figure said anywhere in the reply."""
    if not (_QUANTITY.match(question) or _AMOUNT.match(question)):
        return ""
    said = numbers(reply) - numbers(question)
    words, head = _focus(question)
    thing = content_words(" ".join(words))
    if not said or not head or all(store.mention_count(w, 1) for w in words):
        # A thing the meeting names in full may have its figure on a line that says it otherwise, and a
        # focus running into its verb names no thing: "How much do the Okafors still owe?" is answered by
        # "The balance is four thousand two hundred".
        return ""
    need = (len(thing) + 1) // 2  # "the induction ones, which, how many do we have, four?" / "Three."
    for hit in store.search(" ".join(words), limit=24):
        text = _whole_sentence(hit, store).text
        if text.rstrip().endswith("?"):  # "How are we doing on servers?" / "Six confirmed."
            text += " " + " ".join(s.text for s in store.around(hit.seq, 0, 1) if s.seq > hit.seq)
        if len(thing & content_words(text)) >= need and said & numbers(text):
            return ""
    return f"no line about the {' '.join(focus(question))} gives {', '.join(sorted(said))}"


def _figure_in(question: str, line: Citation) -> str:
    """For a "how many / how much ...?" question, the figure a line gives for what is counted: the
    number just before the counted word ("... a hundred and forty-eight guests, all in" -> "148 guests"),
    or "" when the line gives none. The same thing a person reads off the quoted line. For a "what salary
    / budget ...?" question the amount comes after the thing ("The base salary offer is a hundred and fifty
    thousand" -> "150,000")."""
    amount = bool(_AMOUNT.match(question))
    if not _QUANTITY.match(question) and not amount:
        return ""
    counted = content_words(" ".join(focus(question)))
    words = normalise(line.text)
    for i, word in enumerate(words):
        if not counted & content_words(word):
            continue
        for j in range(i - 1, max(-1, i - 1 - FIGURE_REACH), -1):
            if words[j][0].isdigit():
                return " ".join(words[j : i + 1])
        if amount:
            for j in range(i + 1, min(len(words), i + 1 + AMOUNT_REACH)):
                if words[j][0].isdigit():
                    return _readable(words[j])
    return ""


AMOUNT_REACH = 5  # words between the thing and its amount ("the base salary offer is a hundred and fifty thousand")


def _readable(figure: str) -> str:
    """"150000" -> "150,000": a normalised figure as people write it."""
    return f"{int(figure):,}" if figure.isdigit() and len(figure) > 4 else figure


# A question about when: "When is ...?", "By what date ...?", "What day ...?".
_WHEN = re.compile(r"^\s*(?:when\b|(?:by|on|until)?\s*what (?:date|day|time)\b|how soon\b)", re.IGNORECASE)
_DAY = r"(?:" + "|".join(WEEKDAYS) + r")"
_MONTH = r"(?:" + "|".join(MONTHS) + r")"
_ORDINAL = r"(?:\d{1,2}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)[- ]?)?(?:" + "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + r"))"
# What dates a thing in a line: "Saturday July 12th", "May eighth", "by Thursday", "next Friday morning",
# "tomorrow", "the end of the month", "at 4 pm", "in two weeks".
_TIME_PHRASE = re.compile(
    rf"\b(?:(?:next|this|last)\s+)?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?(?:,?\s+(?:the\s+)?{_MONTH}\s+{_ORDINAL}"
    rf"|,?\s+the\s+{_ORDINAL})?\b|\b{_MONTH}\s+(?:the\s+)?{_ORDINAL}\b|\bthe\s+{_ORDINAL}\s+of\s+{_MONTH}\b|"
    r"\b(?:tomorrow|tonight)(?:\s+(?:morning|afternoon|evening|night))?\b|\b(?:the\s+)?end of (?:the\s+)?(?:day|week|month|quarter|year)\b|"
    r"\b(?:next|this) (?:week|weekend|month|quarter|year|sprint|morning|afternoon|evening)\b|"
    r"\b(?:at\s+)?(?:\d{1,2}(?::\d\d)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s*"
    r"(?:am|pm|a\.m\.|p\.m\.|o'clock)|\b(?:noon|midnight)\b|\bthe\s+\d{1,2}(?:st|nd|rd|th)\b|"
    rf"\b(?:in|by|until|before|after|early|mid|late|end of|to)[- ]{_MONTH}\b(?!\s+(?:the\s+)?{_ORDINAL}\b)|"
    r"\b(?:in|by|end of|during|to|until)\s+q[1-4]\b|"
    r"\b(?:19|20)\d\d\b|\bin (?:a|one|two|three|four|five|six|\d+) (?:days?|weeks?|months?)\b", re.IGNORECASE)


_OLD_DATE = re.compile(r"\b(?:from|since|instead of|originally|used to be|not|out of)\s+(?:the\s+)?$", re.IGNORECASE)


def new_date(text: str) -> str:
    """The phrase of `text` that dates something, not counting a date it moves from ("" when none): "So
    the launch moves out of July." has none, "We push the app to Q4" has "to Q4"."""
    for m in _TIME_PHRASE.finditer(text):
        if not _OLD_DATE.search(text[max(0, m.start() - 20) : m.start()]):
            return re.sub(r"^to\s+", "", m.group(0), flags=re.IGNORECASE)  # "to Q4" is where it went: Q4
    return ""


def when_in(text: str) -> str:
    """The phrase of `text` that dates something ("" when none): what a "when" answer must hold. The first
    that is not the date something moved from ("moved from March 10 to March 24" -> "March 24")."""
    if new := new_date(text):
        return new
    found = _TIME_PHRASE.search(text)
    return found.group(0) if found else ""


# A sentence that moves a date: "We push the mobile app to Q4", "the review slips to Friday".
_MOVES = re.compile(r"\b(?:mov(?:e|es|ed|ing)|push(?:es|ed|ing)?|postpon\w*|delay\w*|slip(?:s|ped|ping)?|"
                    r"reschedul\w*|(?:bring|brings|brought|pull|pulls|pulled) (?:it |them )?(?:forward|in)|"
                    r"(?:shift|shifts|shifted|bump|bumps|bumped))\b", re.IGNORECASE)


# Where a sentence's clauses part: "Okay, we move the design review to Friday, and the app still ships in May."
_CLAUSE_SPLIT = re.compile(r",\s+(?=(?:and|but|while|so|whereas)\b)|;\s+")
_IF = re.compile(r"^\W*(?:and\s+|but\s+|so\s+)?(?:if|unless|maybe|perhaps|should|could|would|suppose|in case)\b",
                 re.IGNORECASE)
_DATE_FRAME = frozenset("in by to the on at of next this end until".split())  # "next Monday" vs "next Thursday"


def _moved_date(question: str, reply: str, store: StoreBase) -> tuple[str, Citation] | None:
    """For a when-question: (the new date, its sentence) when the latest sentence that dates the thing
    asked about moves it to another date than the reply gives. Asked "When will the mobile app launch?",
    the 1.5B model answered July, the plan said early in the meeting, with "So the mobile launch moves
    out of July. We push the mobile app to Q4, ..." in its window (quarterly test meeting). The date
    stands when the latest dating sentence only repeats it or moves nothing."""
    if not _WHEN.match(question) or not (said := when_in(reply)):
        return None
    thing = content_words(" ".join(focus(question)))
    if not thing:
        return None
    dated = []  # (sentence start, clause order, clause, its date, the sentence) of each clause naming the thing
    for hit in store.search(" ".join(focus(question)), limit=24):
        sentence = _whole_sentence(hit, store)
        clauses = [c for piece in re.split(FULL_STOP_SPLIT, sentence.text) for c in _CLAUSE_SPLIT.split(piece)]
        for k, clause in enumerate(clauses):
            if thing <= content_words(clause) and (new := new_date(clause)):
                dated.append((sentence.start, k, clause, new, sentence))
    if not dated:
        return None
    _, _, clause, new, sentence = max(dated, key=lambda d: d[:2])
    move = _MOVES.search(clause)
    if (move is None or clause.rstrip().endswith("?") or _IF.match(clause) or NEGATION.search(clause[: move.start()])
            or clause.find(new, move.end()) < 0):  # fmt: skip
        # Only a move stated as done, with the date after it: "Should we push the app to Q3?", "No, we're
        # not pushing it to Q3", "If the partners slip, we push it to Q3" move nothing.
        return None
    if set(normalise(new)) - _DATE_FRAME <= set(normalise(said)) - _DATE_FRAME:
        return None  # the reply gives that date already
    return new, sentence


FULL_STOP_SPLIT = r"(?<=[.!?])\s+"
_ASKING = content_words("many much long often far big large old soon " + " ".join(FRAME_WORDS))  # the asking, not the matter


def _read_off(question: str, line: Citation, store: StoreBase) -> str:
    """What a person reads off the closest line for a question the model left unanswered: the figure for
    a how-much question, the date for a when-question ("When is the full draft due to Helen?" -> "May
    eighth", from "Still, I want a full draft by May eighth"), or "" when the line gives none. The line
    and its neighbours (their words and speakers) must hold a word of the question besides the thing
    counted or dated: asked "How many years of experience does Ravi have?", never discussed, "Our
    interview questions haven't changed in two years" counts years, not his. A question that names nothing
    besides the thing ("How many pilot users were there?") needs nothing more; the line must name half
    the thing at least ("When is the summer book sale?" is not dated by "summer reading kickoff is
    Saturday the twenty-first")."""
    thing = content_words(" ".join(focus(question)))
    if _WHEN.match(question):
        # The date of the sentence that names the thing: a long utterance dates several things ("...
        # summer reading kickoff is Saturday the twenty-first. ... the book sale ...").
        parts = re.split(FULL_STOP_SPLIT, line.text)
        best = max(parts, key=lambda part: (len(thing & content_words(part)), bool(when_in(part))))
        read = when_in(best) if len(thing & content_words(best)) >= (len(thing) + 1) // 2 else ""
    else:
        read = _figure_in(question, line)
    if not read:
        return ""
    rest = content_words(question) - thing - _ASKING
    near = store.around(line.seq, 1, 1)
    said = content_words(" ".join([*(s.text for s in near), *(s.speaker or "" for s in near)]))
    if len(thing & said) < (len(thing) + 1) // 2:  # "When is the summer book sale?" is not dated by "summer reading"
        return ""
    return read if not rest or rest & said else ""  # "How many pilot users were there?" asks nothing else


SENTENCE_BACK = 8  # segments before a hit that may still belong to its sentence


def _whole_sentence(hit: Citation, store: StoreBase, reach: int = 3) -> Citation:
    """The hit widened to the sentence it is part of (at most `SENTENCE_BACK` segments before it and
    `reach` after): streaming ASR commits fragments, and "[02:14] a test plan for" quoted alone tells a
    person nothing. Looking back as far as forward cut "We have decided | to move the release | date from
    March | 10 to March | 24." at its second fragment when the hit was its last (stop 22's `make demo`
    cited both cuts of one sentence)."""
    for sentence in joined(store.around(hit.seq, SENTENCE_BACK, reach)):
        part = sentence.segments
        if part[0].seq <= hit.seq <= part[-1].seq:
            return Citation(hit.seq, part[0].start, part[-1].end, sentence.text)
    return hit


def _support(question: str, reply: str, store: StoreBase, passages: Sequence[Citation]) -> tuple[Citation, ...]:
    """Up to two sentences the answer rests on: those sharing most of the answer's content words (and the
    question's, to break ties), among the search hits for both and the passages the model was given.
    Each is widened to its whole sentence first: on the demo's ASR transcript a citation read "[00:58.2]
    we keep March 10 or move the release." (a fragment of Maria's question)."""
    answer_words = content_words(reply) - content_words("answer meeting transcript")
    question_words = content_words(question)
    candidates = {c.seq: c for c in passages}
    for hit in store.search(f"{question} {reply}", limit=12):
        candidates.setdefault(hit.seq, hit)
    sentences: dict[float, Citation] = {}  # by start: hits inside one sentence are one citation
    for c in candidates.values():
        sentence = _whole_sentence(c, store)
        sentences.setdefault(sentence.start, sentence)
    scored = []
    for c in sentences.values():
        words = content_words(c.text)
        score = 2 * len(answer_words & words) + len(question_words & words)
        if len(answer_words & words) >= 1:
            scored.append((score, c.seq, c))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return tuple(sorted((c for _, _, c in scored[:2]), key=lambda c: c.seq))
