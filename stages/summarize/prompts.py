"""The words we say to the model: system prompt (pinned, its first tokens are the sinks), the rolling
summary request and the question request. Kept apart so they can be tuned without touching mechanics.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.console import clock
from pipeline.messages import Segment

SYSTEM = (
    "You are a meeting assistant. You read a live meeting transcript and answer accurately and concisely, "
    "using only what was said; never invent names, dates or numbers."
)
STREAM_HEADER = "Live transcript (most recent part):\n"

EXTRACT_FORMAT = (
    "DECISION: <what the meeting decided>\n"
    "ACTION: <person> | <task> | <deadline, or none>\n"
    "FACT: <an important number or date, and what it is>\n"
    "OPEN: <a question raised and left unanswered>"
)
NOT_DISCUSSED = "Not discussed in this meeting."


# One worked example: without it, models list exactly one line of each form (the format's shape) and
# file statements under the wrong form. Its small talk and status remark get no line: without them the
# 1.5B model noted remarks ("The applicant tracker is harder to explain than it should be") as decisions. Its names are not the meeting's; if a model copies them, the
# grounding check (grounding.py) drops them, as it drops anything the transcript does not contain.
EXTRACT_EXAMPLE = (
    "[10:00] Anna: Morning, everyone. Did anyone watch the match last night?\n"
    "[10:01] Ben: I did, what a finish.\n"
    "[10:02] Anna: The quote came in at twelve thousand euros, so we go with Brightline.\n"
    "[10:05] Chris: Honestly, the old ticket queue is a bit messy, as usual.\n"
    "[10:09] Ben: Fine. I'll send them the contract on Tuesday.\n"
    "[10:15] Anna: Chris, can you book the training room? We still don't know who pays for travel.\n"
    "Notes:\n"
    "DECISION: Go with Brightline as the vendor\n"
    "FACT: The Brightline quote is 12,000 euros\n"
    "ACTION: Ben | Send the contract to Brightline | Tuesday\n"
    "ACTION: Chris | Book the training room | none\n"
    "OPEN: Who pays for travel?"
)

# The same lesson in another setting, for a second try when the model copied the first example's notes
# instead of reading the stretch (the 1.5B model did on 4 of 13 stretches of a hand-written dev meeting).
EXTRACT_EXAMPLE_ALT = (
    "[14:00] Yara: Before we start, the boathouse kettle is fixed.\n"
    "[14:01] Tomasz: At last.\n"
    "[14:02] Yara: The new kayaks came to six hundred dollars each, so we buy the touring ones.\n"
    "[14:04] Odile: The old trailer lights are flaky, but they always are.\n"
    "[14:06] Tomasz: Okay. I'll place the order by Thursday.\n"
    "[14:08] Yara: Odile, can you clear the rack? Nobody knows yet where the old kayaks go.\n"
    "Notes:\n"
    "DECISION: Buy the touring kayaks\n"
    "FACT: The new kayaks cost 600 dollars each\n"
    "ACTION: Tomasz | Place the kayak order | Thursday\n"
    "ACTION: Odile | Clear the rack | none\n"
    "OPEN: Where do the old kayaks go?"
)


# Two more settings. The extraction takes the examples least like its stretch (`Summarizer._extract`):
# reading a rowing club's committee (stop 32's blind run), the 1.5B model wrote "Tomasz | Place the coxed
# fours order" and "Where do the old kayaks go?" from the kayak example and copied the examples outright
# on 3 of its 27 stretches; what it mixes in is an example it can confuse with the stretch.
EXTRACT_EXAMPLE_SHOP = (
    "[08:00] Maya: Sorry I'm late, the bus was packed again.\n"
    "[08:01] Soren: Happens every Monday.\n"
    "[08:02] Maya: The flour quote came to four hundred pounds a month, so we switch to Millstone.\n"
    "[08:04] Hana: The front window still fogs up in the mornings, nothing new there.\n"
    "[08:06] Soren: Sure. I'll ring Millstone on Friday.\n"
    "[08:08] Maya: Hana, can you update the price board? We haven't settled the Sunday opening hours yet.\n"
    "Notes:\n"
    "DECISION: Switch the flour supplier to Millstone\n"
    "FACT: The Millstone flour quote is 400 pounds a month\n"
    "ACTION: Soren | Ring Millstone | Friday\n"
    "ACTION: Hana | Update the price board | none\n"
    "OPEN: What are the Sunday opening hours?"
)

EXTRACT_EXAMPLE_LAB = (
    "[15:00] Jun: Quick one first, the lift on our floor works again.\n"
    "[15:01] Farid: Finally.\n"
    "[15:02] Jun: The backup job takes nine hours now, so we move it to the weekend.\n"
    "[15:04] Noor: The printer on three jams a lot, but it always has.\n"
    "[15:06] Farid: Right. I'll write the new schedule by Wednesday.\n"
    "[15:08] Jun: Noor, can you tell the night staff? We still don't know who signs off the storage budget.\n"
    "Notes:\n"
    "DECISION: Move the backup job to the weekend\n"
    "FACT: The backup job takes 9 hours\n"
    "ACTION: Farid | Write the new backup schedule | Wednesday\n"
    "ACTION: Noor | Tell the night staff | none\n"
    "OPEN: Who signs off the storage budget?"
)

EXTRACT_EXAMPLES = (EXTRACT_EXAMPLE, EXTRACT_EXAMPLE_ALT, EXTRACT_EXAMPLE_SHOP, EXTRACT_EXAMPLE_LAB)


def notes_of(example: str) -> list[str]:
    """The notes lines of one worked example (what follows its "Notes:")."""
    return example.split("Notes:\n", 1)[1].splitlines()


def example_notes() -> list[str]:
    """The notes lines of every worked example: an extraction that repeats them copied an example."""
    return [line for example in EXTRACT_EXAMPLES for line in notes_of(example)]


def extract_request(stretch: str, examples: Sequence[str] = (EXTRACT_EXAMPLE,)) -> str:
    """Ask what one new stretch of transcript decides, assigns, states or leaves open: one line per item.

    The stretch is quoted although the window holds it: "the part since 03:00" is a position small
    models misread, a quoted block is not. The notes so far are not shown: models given them copy them
    back (measured on the demo meeting, 0.5B and 1.5B alike), and later changes need no old notes: a new
    owner or a corrected number is stated in the stretch, and the merge (notes.py) applies it.
    """
    return (
        f"Write notes for a new part of the transcript: one line for each decision, task (with the person "
        f"who will do it), important number or date, and question left open, in these forms:\n"
        f"{EXTRACT_FORMAT}\n"
        f"Write as many lines as the part needs, and none for small talk, greetings, opinions or status "
        f"remarks. A speaker who says \"I will\" is the person for that task. Use only what the new part "
        f"says.\n\n"
        f"{_examples(examples)}\n\n"
        f"New part of the transcript:\n{stretch.strip()}\n"
        f"Notes (or NONE):"
    )


def _examples(examples: Sequence[str]) -> str:
    if len(examples) == 1:
        return f"Example:\n{examples[0]}"
    # Two, from meetings of other kinds, so that what the notes share is their form, not their content
    # (stop 33: with one, the 1.5B model gave its owners and open question to the meeting's tasks).
    return "\n\n".join(f"Example {k} (another meeting):\n{ex}" for k, ex in enumerate(examples, 1))


def question_request(question: str, notes: str, passages: Sequence[str], quotes: Sequence[str] = ()) -> str:
    """Ask a question about the meeting; retrieved earlier passages (`transcript_lines`) keep their times.
    `quotes`: lines still in the window that match the question, repeated last, next to it."""
    parts = []
    if passages:
        lines = "\n".join(passages)
        parts.append(f"Earlier passages of the meeting (no longer in the transcript above):\n{lines}")
    if notes.strip():
        parts.append(f"Meeting notes so far:\n{notes}")
    if quotes:
        lines = "\n".join(quotes)
        parts.append(f"Lines of the transcript above that match the question:\n{lines}")
    sources = "the transcript" + (", the earlier passages" if passages else "") + (" and the notes" if notes.strip() else "")
    parts.append(
        f"Question: {question}\nAnswer in one short sentence, using only {sources}. If the meeting did "
        f"not discuss it, say so."
    )
    return "\n\n".join(parts)


def transcript_lines(segments: Sequence[Segment]) -> str:
    """Consecutive segments as the window shows them: a new line at a speaker change or a sentence end."""
    out, last = [], None
    for seg in segments:
        new_line = last is None or last.text.rstrip()[-1:] in ".?!" or seg.speaker != last.speaker
        out.append(transcript_line(seg.text, seg.start, seg.speaker, new_line))
        last = seg
    return "".join(out).strip()


def transcript_line(text: str, start: float, speaker: str | None, new_line: bool) -> str:
    """How a committed segment enters the model's window."""
    if not new_line:
        return " " + text
    who = f"{speaker}: " if speaker else ""
    return f"\n[{clock(start)}] {who}{text}"
