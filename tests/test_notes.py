"""Notes as items, grounded answers: the pure parts, on a real SQLite session store (no model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.messages import Segment
from stages.summarize import answers
from stages.summarize.grounding import Sources, normalise
from stages.summarize.notes import Notes, parse_extraction
from stages.summarize.prompts import NOT_DISCUSSED
from stages.summarize.store import SessionStore

MEETING = [
    ("Maria", "Now, who will own the database migration?"),
    ("David", "Sarah's team is busy with testing, so I will take it myself."),
    ("Maria", "Great. David owns the database migration. Please send a plan by Friday."),
    ("Sarah", "I will fix the payment issues and write a test plan by Wednesday."),
    ("Tom", "The budget for the campaign is forty thousand dollars."),
    ("Tom", "Sorry, I misspoke: the campaign budget is forty five thousand dollars."),
    ("Maria", "Actually, Priya will take over the database migration from David."),
]


def segments(lines: list[tuple[str, str]] = MEETING, first: int = 0) -> list[Segment]:
    return [Segment("t", first + i, text, 10.0 * (first + i), 10.0 * (first + i) + 8, (), who)
            for i, (who, text) in enumerate(lines)]  # fmt: skip


def sources(segs: list[Segment]) -> Sources:
    return Sources.of_segments(segs)


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    with SessionStore(tmp_path / "s.sqlite", "t") as s:
        for seg in segments():
            s.add_segment(seg)
        yield s


def test_normalise_reads_numbers_and_dates_either_way() -> None:
    assert normalise("March twenty fourth") == normalise("March 24th") == ["march", "24"]
    assert normalise("$65,000") == normalise("sixty-five thousand") == ["65000"]
    assert normalise("four hundred pilot users")[0] == "400"
    assert normalise("one of them")[0] == "one"  # "one" alone is a pronoun, not a number
    assert normalise("two point four million") == normalise("2.4 million") == ["2400000"]
    assert normalise("one point five percent") == normalise("1.5 percent") == ["1.5", "percent"]


def test_parse_extraction_takes_the_forms_and_ignores_the_rest() -> None:
    text = (
        "Sure! Here are the notes:\n"
        "DECISION: Move the release to March 24\n"
        "ACTION: David | Own the database migration | Friday\n"
        "- ACTION: Sarah | Fix the payment issues | none\n"
        "ACTION: Write the test plan\n"
        "FACT: 400 pilot users\n"
        "OPEN: Do we keep the premium price?\n"
        "OPEN: none\n"
        "NONE"
    )
    got = parse_extraction(text)
    assert [(e.kind, e.owner, e.due) for e in got] == [
        ("decision", "", ""),
        ("action", "David", "Friday"),
        ("action", "Sarah", ""),
        ("action", "", ""),
        ("fact", "", ""),
        ("open", "", ""),
    ]
    assert got[1].text == "Own the database migration"


def test_every_item_points_to_its_lines() -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Own the database migration | Friday\n"
                                 "ACTION: Sarah | Fix the payment issues | Wednesday"), segs[:4], sources(segs[:4]))  # fmt: skip
    assert [(i.owner, [seq for seq, _ in i.refs]) for i in notes.items] == [("David", [0, 2]), ("Sarah", [3])]
    rendered = notes.render()
    assert "- David: Own the database migration (due Friday) [00:00.0, 00:20.0]" in rendered
    assert [m.seqs for m in notes.messages()] == [(0, 2), (3,)]


def test_a_reassigned_owner_replaces_the_old_one() -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Own the database migration | Friday"), segs[:3], sources(segs[:3]))
    notes.merge(parse_extraction("ACTION: Priya | Take over the database migration | none"), segs[6:], sources(segs))
    actions = [i for i in notes.items if i.kind == "action"]
    assert len(actions) == 1 and actions[0].owner == "Priya"
    assert actions[0].history == ["owner David -> Priya at 01:00.0"]
    assert "Priya: " in notes.render() and "David: " not in notes.render()


def test_a_corrected_number_replaces_the_old_one() -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("FACT: The campaign budget is 40,000 dollars"), segs[4:5], sources(segs[:5]))
    notes.merge(parse_extraction("FACT: The campaign budget is 45,000 dollars"), segs[5:6], sources(segs[:6]))
    facts = [i.text for i in notes.items if i.kind == "fact"]
    assert facts == ["The campaign budget is 45,000 dollars"]


def test_items_naming_what_nobody_said_are_dropped() -> None:
    segs = segments()
    notes = Notes()
    report = notes.merge(parse_extraction(
        "ACTION: Kevin | Own the database migration | Friday\n"  # Kevin: not in the meeting
        "DECISION: Move the release to April 10\n"  # a date nobody said
        "OPEN: Who pays for travel?"  # no line supports it (a model copying its prompt's example)
    ), segs[:3], sources(segs[:3]))  # fmt: skip
    assert notes.items == []
    assert len(report.dropped_ungrounded) == 3


def test_a_decision_answers_the_open_question() -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Who will own the database migration?"), segs[:1], sources(segs[:1]))
    notes.merge(parse_extraction("DECISION: David owns the database migration"), segs[1:3], sources(segs[:3]))
    assert [i.kind for i in notes.items] == ["decision"]


def test_notes_survive_a_restart_as_json(store: SessionStore) -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Own the database migration | Friday"), segs[:3], sources(segs[:3]))
    store.save_notes(2, notes.to_json())
    again = Notes.from_json(store.latest_notes() or [])
    assert again.render() == notes.render()


def test_an_answer_naming_someone_absent_is_not_shown_as_fact(store: SessionStore) -> None:
    window = segments()
    got = answers.ground("Who owns the database migration?", "Kevin owns the database migration.",
                         sources(window), store, (), window)  # fmt: skip
    assert not got.shown_as_generated and "kevin" in got.why
    assert "Kevin" not in got.text
    assert got.text.startswith("The meeting does not say that as such. The closest: [00:")


def test_an_answer_tying_a_present_name_to_the_wrong_task_is_not_shown(store: SessionStore) -> None:
    window = segments()[:4]  # before the reassignment: David owns it
    got = answers.ground("Who owns the database migration?", "Sarah owns the database migration.",
                         sources(window), store, (), window)  # fmt: skip
    assert not got.shown_as_generated and "sarah" in got.why
    right = answers.ground("Who owns the database migration?", "David owns the database migration.",
                           sources(window), store, (), window)  # fmt: skip
    assert right.shown_as_generated and right.text == "David owns the database migration."
    assert 2 in [c.seq for c in right.citations]  # the line it rests on, with its time


def test_a_number_nobody_said_is_not_shown(store: SessionStore) -> None:
    window = segments()
    got = answers.ground("What is the campaign budget?", "The campaign budget is 50,000 dollars.",
                         sources(window), store, (), window)  # fmt: skip
    assert not got.shown_as_generated and "50000" in got.why


def test_abstention_is_plain_and_invents_nothing(store: SessionStore) -> None:
    window = segments()
    got = answers.ground("What is the budget for office chairs?", "The office chair budget was not mentioned.",
                         sources(window), store, (), window)  # fmt: skip
    assert got.text.startswith(NOT_DISCUSSED)
    never = answers.ground("Which city hosts the offsite?", "", sources(window), store, (), window)
    assert never.text == NOT_DISCUSSED and never.citations == ()


def test_an_owner_no_sentence_ties_to_the_task_is_shown_as_unclear() -> None:
    """Unlabelled ASR fragments: the model put Sarah on David's plan; nothing ties her to it."""
    fragments = [("", "Sarah's team is busy with testing,"), ("", "so I will take it myself."),
                 ("", "Great. David owns the database migration."), ("", "Please send a plan to the team"),
                 ("", "by Friday.")]  # fmt: skip
    segs = [Segment("t", i, text, 3.0 * i, 3.0 * i + 2, ()) for i, (_, text) in enumerate(fragments)]
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Sarah | Send the plan to the team | Friday\n"
                                          "ACTION: David | Own the database migration | none"), segs, sources(segs))  # fmt: skip
    assert [i.owner for i in notes.items] == ["", "David"]
    assert report.owners_unclear == ["Sarah: Send the plan to the team"]
    assert "- (owner unclear): Send the plan to the team (due Friday)" in notes.render()
