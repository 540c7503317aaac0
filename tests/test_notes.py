"""Notes as items, grounded answers: the pure parts, on a real SQLite session store (no model)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.messages import Citation, Segment, Word
from stages.summarize import answers, checks, owners, said
from stages.summarize.grounding import Sources, normalise
from stages.summarize.notes import Item, Notes, parse_extraction
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


@contextmanager
def asking(tmp_path: Path, lines: list[tuple[str, str]]) -> Iterator[Callable[[str, str], answers.Grounded]]:
    """`ask(question, reply)`: the shown answer, the meeting `lines` stored and all of them the window."""
    segs = segments(lines)
    with SessionStore(tmp_path / "asking.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        yield lambda question, reply: answers.ground(question, reply, sources(segs), s, (), segs)


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
    assert normalise("a hundred and fifty thousand") == normalise("150,000") == ["150000"]
    assert normalise("a week") == ["a", "week"]  # "a" is 1 only before a scale word
    # "(a) hundred and fifty": the "a" often goes unsaid or unheard; "hundred percent sure" is no figure
    assert normalise("the hundred and fifty chairs") == ["the", "150", "chairs"]
    assert normalise("hundred percent sure")[0] == "hundred" and normalise("hundreds of people")[0] == "hundreds"


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
    # The test plan the model left out comes from Sarah's own line ("... and write a test plan by Wednesday").
    assert [(i.owner, [seq for seq, _ in i.refs]) for i in notes.items] == [("David", [0, 2]), ("Sarah", [3]),
                                                                             ("Sarah", [1, 3])]  # fmt: skip
    rendered = notes.render()
    # "Please send a plan by Friday" dates the plan, not the migration (stop 30; `make demo` showed it).
    assert "- David: Own the database migration [00:00.0, 00:20.0]" in rendered
    assert "- Sarah: Write a test plan (due Wednesday)" in rendered
    assert [m.seqs for m in notes.messages()] == [(0, 2), (3,), (1, 3)]


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


def test_a_later_fact_saying_less_or_another_figure_keeps_the_first() -> None:
    """A fact on the same matter replaces the held one only as a correction or an extension: a shorter
    restatement leaves the fuller one, and a fact sharing one figure with it but adding its own is a
    second fact (the read meetings lost both kinds, stop 38)."""
    lines = [("Tony", "It's fifteen sets per team, so forty-five sets in all, and the whole lot comes to eight hundred and ten pounds."),
             ("Tony", "So the kit is forty-five sets, I said."),
             ("Tony", "I need help carrying forty-five sets of kit out of Sportsworld in three weeks."),
             ("Raj", "We were fourteen hours down on line three."),
             ("Ines", "We have four days of film left on line three.")]  # fmt: skip
    segs = segments(lines)
    notes = Notes()
    full = "Fifteen sets per team, so forty-five sets of kit in all, and the whole lot comes to 810 pounds"
    notes.merge(parse_extraction(f"FACT: {full}"), segs[0:1], sources(segs[:1]))
    notes.merge(parse_extraction("FACT: The kit is forty-five sets"), segs[1:2], sources(segs[:2]))
    assert [i.text for i in notes.items] == [full]
    notes.merge(parse_extraction("FACT: Carry forty-five sets of kit out of Sportsworld in three weeks"), segs[2:3],
                sources(segs[:3]))  # fmt: skip
    assert [i.text for i in notes.items][0] == full and len(notes.items) == 2
    notes = Notes()
    notes.merge(parse_extraction("FACT: Fourteen hours down on line three"), segs[3:4], sources(segs[:4]))
    notes.merge(parse_extraction("FACT: Four days of film left on line three"), segs[4:5], sources(segs[:5]))
    assert [i.text for i in notes.items] == ["Fourteen hours down on line three", "Four days of film left on line three"]
    # One value for another in the same unit is a correction: the later one replaces the first.
    party = segments([("Ann", "The party is on the 12th at 7 pm."), ("Ann", "Sorry, the party is on the 12th at 8 pm.")])
    notes = Notes()
    notes.merge(parse_extraction("FACT: The party is on the 12th at 7 pm"), party[0:1], sources(party[:1]))
    notes.merge(parse_extraction("FACT: The party is on the 12th at 8 pm"), party[1:2], sources(party))
    assert [i.text for i in notes.items] == ["The party is on the 12th at 8 pm"]


def test_a_currency_nobody_said_is_not_shown_but_the_figure_is(tmp_path: Path) -> None:
    # The 1.5B model gave "euros" (its prompt's example) to figures of meetings that named no currency.
    lines = [("Nadia", "The levy total was three point two million."),
             ("Nadia", "Sorry, I mean the levy total is two point three million."),
             ("Tom", "The hall costs sixty quid a night.")]  # fmt: skip
    segs = segments(lines)
    notes = Notes()
    notes.merge(parse_extraction("FACT: The levy total is 3,200,000 euros"), segs[:1], sources(segs[:1]))
    fix = parse_extraction("FACT: The levy total is 2,300,000 euros")
    notes.merge([replace(fix[0], corrects=True)], segs[1:2], sources(segs[:2]))
    notes.merge(parse_extraction("FACT: The hall costs 60 pounds a night"), segs[2:3], sources(segs))
    facts = [i for i in notes.items if i.kind == "fact"]
    # The correction still finds the figure it corrects (the model's wording is what merging reads) ...
    assert [i.text for i in facts] == ["The levy total is 2,300,000 euros", "The hall costs 60 pounds a night"]
    # ... and people, subscribers and the model's prompts see no currency the meeting did not say.
    assert "- The levy total is 2,300,000 [00:00.0, 00:10.0]" in notes.render().splitlines()
    assert [m.text for m in notes.messages() if m.kind == "fact"][0] == "The levy total is 2,300,000"
    assert "FACT: The levy total is 2,300,000\n" in notes.prompt_view("levy", lambda _: True) + "\n"
    assert "60 pounds a night" in notes.render()  # "quid" is the pound: said
    assert Notes.from_json(notes.to_json()).render() == notes.render()
    with asking(tmp_path, lines) as ask:
        got = ask("How much is the levy total?", "The levy total is two point three million dollars.")
    assert got.shown_as_generated and got.text == "The levy total is two point three million."
    assert Sources("Euros were mentioned").without_unsaid_currency("Euros were mentioned") == "Euros were mentioned"
    assert Sources("x").without_unsaid_currency("It is $65, or 70 euros.") == "It is 65, or 70."


def test_items_naming_what_nobody_said_are_dropped() -> None:
    segs = segments()
    notes = Notes()
    report = notes.merge(parse_extraction(
        "ACTION: Kevin | Own the database migration | Friday\n"  # Kevin: not in the meeting
        "DECISION: Move the release to April 10\n"  # a date nobody said
        "OPEN: Who pays for travel?"  # no line supports it (a model copying its prompt's example)
    ), segs[:3], sources(segs[:3]))  # fmt: skip
    assert len(report.dropped_ungrounded) == 2
    # The task is said (only its owner was made up): it goes to the owner the lines give it, never Kevin.
    assert report.owners_unclear == ["Kevin: Own the database migration (not a name in the transcript)"]
    assert [(i.kind, i.owner, i.text) for i in notes.items] == [("action", "David", "Own the database migration")]
    assert "Kevin" not in notes.render()


def test_a_task_given_to_a_name_from_the_worked_example_goes_to_who_took_it() -> None:
    """Read stop 30 record of theatre_production: the model wrote the example's "Ben" for Ned's offer, and
    the task was dropped whole as ungrounded. The task is the meeting's; only the owner was a guess."""
    segs = segments([("Maya", "Lights next. Can we do the storm without the smoke machine?"),
                     ("Ned", "I can do a lot with the blue wash. And I can borrow a wind machine, the fan kind, "
                             "from the school as well.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Ben | Borrow a wind machine from the school | none"), segs, sources(segs))
    assert [(i.owner, i.text) for i in notes.items if i.kind == "action"] == [("Ned", "Borrow a wind machine from the school")]
    # A task nobody said stays dropped, whoever it is given to.
    report = notes.merge(parse_extraction("ACTION: Ben | Book the training room | none"), segs, sources(segs))
    assert report.dropped_ungrounded == ["action: Book the training room (no transcript line supports it)"]
    assert "Ben" not in notes.render() and "training room" not in notes.render()


def test_an_item_opening_with_a_verb_the_meeting_did_not_use_is_not_an_unknown_name() -> None:
    """A library dev meeting said "the book sale goes outside on the front lawn"; the model wrote "Move the
    book sale outside ...", dropped as naming "Move". An invented name opening an item is still caught."""
    segs = segments([("Denise", "Because of the carpet, the book sale goes outside on the front lawn, under Phil's "
                                "tents.")])  # fmt: skip
    src = sources(segs)
    assert src.check("Move the book sale outside on the front lawn, under Phil's tents").grounded
    assert src.check("Push the book sale to the lawn").grounded
    assert src.check("Kwame moves the book sale outside").unknown_names == ("kwame",)
    assert src.check("The sale moves to Riverside Park").unknown_names == ("park", "riverside")


def test_an_amount_said_on_its_own_is_a_fact_about_the_sentence_before() -> None:
    """A library dev meeting: "The Friends approved money for the volunteer thank-you party in August.
    Three hundred dollars." Another speaker's echo of the amount, or a bare count, makes no fact."""
    segs = segments([("Omar", "Quick one, and it's good news for once. The Friends approved money for the volunteer "
                              "thank-you party in August. Three hundred dollars."),
                     ("Denise", "Three hundred dollars. Last year we got a sheet cake."),
                     ("Kath", "We still need new chairs for the hall. Fifteen.")])  # fmt: skip
    assert said.stated_facts(segs) == [
        "The Friends approved money for the volunteer thank-you party in August: three hundred dollars"]
    notes = Notes()
    notes.merge([], segs, sources(segs))
    assert [i.text for i in notes.items if i.kind == "fact"] == [
        "The Friends approved money for the volunteer thank-you party in August: three hundred dollars"]
    # A day of the month on its own after its weekday's sentence (catering): a calendar date.
    segs = segments([("Jen", "Oh, the walkthrough at Lakeview, that's Wednesday. The 11th, at four o'clock. Their "
                             "coordinator is meeting us at the side door."),
                     ("Tariq", "Honestly, the traffic is terrible. The 11th.")])  # fmt: skip
    assert said.stated_facts(segs) == ["The walkthrough at Lakeview, that's Wednesday: the 11th, at four o'clock"]


def test_a_pronoun_task_takes_the_thing_the_speaker_names_as_theirs() -> None:
    """Both hand-written dev meetings give owners so: "I'll get them. Friday morning, first thing ... The
    chairs are mine." and "I'll do it. ... Saturday the 14th at ten, I've got the orientation." A pronoun
    task with nothing named stays no task; across speakers nothing is taken."""
    segs = segments([("Luis", "Oh, actually, Rosa, the chairs. I can't leave the kitchen Friday."),
                     ("Rosa", "Ugh. Yeah, you're right. Okay, so who..."),
                     ("Tariq", "I'll get them. Friday morning, first thing, I'm out that way for the ice anyway. "
                               "The chairs are mine."),
                     ("Mei", "The orientation, on the 14th. That's the weekend I'm at the conference."),
                     ("Kath", "I'll do it. I've done the orientation before, I've still got the slides. Saturday the "
                              "14th at ten, I've got the orientation."),
                     ("Jen", "Ugh, I'll move it at the break."),
                     ("Mei", "I'll do it."), ("Rosa", "The van is mine."),
                     ("Ann", "Can someone take the minutes?"), ("Bob", "I'll do it. I've got the time this week.")])  # fmt: skip
    got = [(t.person, t.task, t.due) for t in owners.said_tasks(segs)]
    # Bob's "time" is not what was asked for: no task (a helper's review found "Do the time this week").
    assert got == [("Tariq", "Get the chairs", "Friday morning"), ("Kath", "Do the orientation", "Saturday the 14th"),
                   ("Jen", "Move it at the break", "")]  # fmt: skip
    # Labelled ASR fragments: the naming sentence comes after the task's, in the same speaker's turn.
    asr = _asr(("S1", "Oh, the chairs."), ("S2", "I'll get them."), ("S2", "Friday morning, first thing."),
               ("S2", "The chairs are mine."))  # fmt: skip
    assert [(t.person, t.task, t.due) for t in owners.said_tasks(asr)] == [("S2", "Get the chairs", "Friday morning")]


def test_a_task_whose_due_the_model_left_in_its_words_gets_it_as_its_due() -> None:
    """"Send the plan to the team by Friday" (stop 19's make demo) is the task "Send the plan to the team",
    due Friday; Whisper's "my next Wednesday" for "by next Wednesday" leaves no "my" behind. One word in
    common ("update") does not make two tasks the same item."""
    segs = segments([("Maria", "Great. David owns the database migration. Please send the plan to the team by "
                               "Friday."),
                     ("Sarah", "I will write a test plan for the migration my next Wednesday."),
                     ("Luis", "I will update the runbook."),
                     ("Luis", "And I'll send the status update email to the customers today.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Send the plan to the team by Friday | none\n"
                                 "ACTION: Luis | Update the runbook | none\n"
                                 "ACTION: Luis | Send the status update email to the customers today | none"),
                segs, sources(segs))  # fmt: skip
    assert [(i.owner, i.text, i.due) for i in notes.items if i.kind == "action"] == [
        ("David", "Send the plan to the team", "Friday"), ("Luis", "Update the runbook", ""),
        ("Luis", "Send the status update email to the customers", "today"),
        ("Sarah", "Write a test plan for the migration", "next Wednesday")]  # fmt: skip


def test_a_choice_laid_out_is_no_decision_and_a_negated_can_is_no_claim() -> None:
    """The library dev meeting: "either we keep drop-in and I just, like, suffer, or they sign up for set
    shifts" decides nothing; "I can't get to the boiler. ... I had to climb over the cookbooks" gives Phil
    no task."""
    segs = segments([("Denise", "I mean, either we keep drop-in and I just, like, suffer, or they sign up for set "
                                "shifts. Two hours."),
                     ("Phil", "I can't get to the boiler. I'm serious. I had to climb over the cookbooks.")])  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("DECISION: Keep drop-in and suffer\nACTION: Phil | Climb over cookbooks | "
                                          "none"), segs, sources(segs))  # fmt: skip
    assert notes.items == []
    assert report.dropped_ungrounded == ["decision: Keep drop-in and suffer (no statement says it)",
                                         "action: Climb over cookbooks (no line gives or says this task)"]  # fmt: skip
    assert owners.owner_of("Climb over the cookbooks", segs) is None


def test_a_rule_or_a_refusal_said_as_one_is_a_decision_and_a_mention_is_not() -> None:
    """Decisions the read meetings said without "decided" or "let's" (stop 38): a no on a thing, a rule
    "no X, no Y" or "no ... without ...", a plan "we replace ...", a change "starting next week". The
    same words said as a question or in passing state no decision."""
    lines = [("Priti", "I think it's got to be a no on the ergs for this year."),
             ("Gav", "No banksman, no reversing."),
             ("Raj", "My view is we replace both heater plates now, not just the cracked one."),
             ("Tomasz", "Staging shuts down nights and weekends, starting next week."),
             ("Ann", "Did anyone order the heater plates for the kiln?"),
             ("Ann", "The banksman was late on Tuesday.")]  # fmt: skip
    segs = segments(lines)
    for k, decision in enumerate(["No ergs this year", "No banksman, no reversing",
                                  "Replace both heater plates now", "Shut down staging nights and weekends"]):
        assert checks.is_stated("decision", decision, segs[k : k + 1]), decision
    assert not checks.is_stated("decision", "Order the heater plates for the kiln", segs[4:5])
    assert not checks.is_stated("decision", "The banksman was late", segs[5:6])


def test_a_task_ends_where_a_new_clause_begins_and_a_garbled_one_is_dropped() -> None:
    """The catering dev meeting: "I'll sort it with Danielle, it's a paperwork thing, don't worry about it"
    is the task "Sort it with Danielle"; the model's "Tell the dad to tell the dad" repeats itself."""
    segs = segments([("Bev", "Oh, and the tips. I'll sort it with Danielle, it's a paperwork thing, don't worry "
                             "about it."),
                     ("Jen", "I'll tell her to tell the dad. That's how that family works.")])  # fmt: skip
    assert [(t.person, t.task) for t in owners.said_tasks(segs)] == [("Bev", "Sort it with Danielle"),
                                                                     ("Jen", "Tell her to tell the dad")]  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Jen | Tell the dad to tell the dad | none"), segs, sources(segs))
    assert "action: Tell the dad to tell the dad (repeats itself)" in report.dropped_ungrounded
    assert [(i.owner, i.text) for i in notes.items] == [("Bev", "Sort it with Danielle"),
                                                        ("Jen", "Tell her to tell the dad")]  # fmt: skip


def test_the_review_s_counter_examples_to_this_stop_s_rules() -> None:
    """Ordinary speech a helper's review ran through this stop's rules, each of which it broke."""
    from stages.summarize.checks import names_a_time
    from stages.summarize.notes import _repeats

    # A month is not a due date without its day: "Review the August numbers" keeps its month.
    for text in ("Review the August numbers", "Collect the June invoices", "Ask legal whether we may proceed"):
        assert owners.due_in_text(text) == (text, "")
    assert owners.due_in_text("Send it by March 24th") == ("Send it", "March 24th")
    # "and <verb>" splits only before what opens an object: "the budget and review schedule" is nouns.
    segs = _unlabelled("Hi Maria, hi Sarah.", "Maria will prepare the budget and review schedule for the board.",
                       "Maria will handle the emails and calls from the press.")  # fmt: skip
    assert [t.task for t in owners.said_tasks(segs)] == ["Prepare the budget and review schedule for the board",
                                                         "Handle the emails and calls from the press"]  # fmt: skip
    # A repeated run of words is degenerate only when it carries content.
    assert not _repeats("Book the room for Monday and the room for Tuesday")
    assert _repeats("Tell the dad to tell the dad")
    assert all(names_a_time(d) for d in ("in two weeks", "within 10 days", "the next sprint"))
    # Thanking the person the speaker just spoke of names no speaker.
    segs = _unlabelled("Sarah presented the survey results. I will update the forecast with the new numbers.",
                       "Thanks, Sarah, that was really useful.")  # fmt: skip
    assert owners.owner_of("Update the forecast with the new numbers", segs) is None
    # A hedge before "then" concludes nothing; a typographic apostrophe negates as the plain one does.
    assert said.decided(_unlabelled("Maybe, then we switch to the cheaper vendor.")) == []
    assert owners.claims(segments([("Phil", "I can’t get to the boiler room. I had to climb over the cookbooks.")])) == []


def test_a_decision_answers_the_open_question() -> None:
    segs = _unlabelled("Do we keep the release on March 10 or move the release?",
                       "We have decided to move the release to March 24.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Do we keep March 10 or move the release?"), segs[:1], sources(segs[:1]))
    notes.merge(parse_extraction("DECISION: Move the release to March 24"), segs[1:], sources(segs))
    assert [i.kind for i in notes.items] == ["decision"]


def test_an_owner_named_later_answers_who_owns_it() -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Who will own the database migration?"), segs[:1], sources(segs[:1]))
    notes.merge(parse_extraction("DECISION: David owns the database migration"), segs[1:3], sources(segs[:3]))
    assert [(i.kind, i.owner) for i in notes.items] == [("action", "David")]  # an owned task, not a decision


def test_a_question_is_shown_whole_items_the_related_first_then_the_newest() -> None:
    notes = Notes([Item("fact", "The hall seats ninety-six"),
                   Item("action", "Collect the lighting desk from the school", "Colm", "Saturday"),
                   *[Item("fact", f"Side remark number {n} about the weather") for n in range(8)],
                   Item("action", "Ring Maureen on the Friday", "Ruth", "Friday")])  # fmt: skip

    def fits(limit: int) -> Callable[[str], bool]:
        return lambda text: len(text.split()) <= limit

    view = notes.prompt_view("Who is collecting the lighting desk?", fits(24))
    lines = view.split("\n")
    # The related task, then the newest item; whole lines only, in meeting order.
    assert lines == ["ACTION: Colm | Collect the lighting desk from the school | Saturday",
                     "ACTION: Ruth | Ring Maureen on the Friday | Friday"]  # fmt: skip
    everything = notes.prompt_view("Who is collecting the lighting desk?", lambda _: True, max_items=24)
    assert everything.split("\n")[0] == "FACT: The hall seats ninety-six"  # meeting order, not rank order
    assert notes.prompt_view("anything", fits(2)) == ""  # nothing fits: nothing, never half an item


def test_notes_survive_a_restart_as_json(store: SessionStore) -> None:
    segs = segments()
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Own the database migration | Friday"), segs[:3], sources(segs[:3]))
    store.save_notes(2, notes.to_json())
    again = Notes.from_json(store.latest_notes() or [])
    assert again.render() == notes.render()


def test_what_is_still_open_about_a_thing_is_answered_with_the_line_that_leaves_it_open(tmp_path: Path) -> None:
    """Asked what is still unknown about a thing, the answer is the latest line that says so (read
    meetings, stop 38: the model gave a settled fact or the question's own words back)."""
    lines = [("Declan", "The lift is out again, the car is stuck on two."),
             ("Declan", "It could be the door sensor or the motor. We genuinely can't say yet if the lift needs a "
                        "new motor."),
             ("Helena", "The lift engineer comes Thursday.")]  # fmt: skip
    with asking(tmp_path, lines) as ask:
        shown = ask("What is still unknown about the lift?", "The lift engineer is not yet known.")
        assert shown.text.startswith("Still open: [00:10.0] It could be the door sensor or the motor. We genuinely "
                                     "can't say yet"), shown.text  # fmt: skip
        assert not shown.shown_as_generated
        # Another form of question is left to the other checks; a thing no open line names gets no such answer.
        assert not ask("When does the lift engineer come?", "Thursday.").text.startswith("Still open")
        assert not ask("What is still unresolved about the budget?", "Nothing.").text.startswith("Still open")
        # A yes/no question whose latest line leaves it open: not "Yes".
        assert ask("Does the lift need a new motor?", "Yes.").text.startswith("Still open: [00:10.0]")
    settled = [*lines, ("Declan", "The engineer came: the lift needs a new motor, it is ordered.")]
    with asking(tmp_path / "settled", settled) as ask:
        assert not ask("Does the lift need a new motor?", "Yes, it needs a new motor.").text.startswith("Still open")


def test_an_answer_naming_someone_absent_is_not_shown_as_fact(store: SessionStore) -> None:
    window = segments()
    got = answers.ground("Who owns the database migration?", "Kevin owns the database migration.",
                         sources(window), store, (), window)  # fmt: skip
    assert not got.shown_as_generated and "kevin" in got.why
    assert "Kevin" not in got.text
    # The line that gives the migration away answers instead (the latest: Priya took it over).
    assert got.text == 'Priya ([01:00.0] Maria: "Actually, Priya will take over the database migration from David.")'
    assert [c.seq for c in got.citations] == [6]


def test_an_answer_tying_a_present_name_to_the_wrong_task_is_not_shown(tmp_path: Path) -> None:
    window = segments()[:4]  # before the reassignment: David owns it
    store = SessionStore(tmp_path / "early.sqlite", "t")
    for seg in window:
        store.add_segment(seg)
    got = answers.ground("Who owns the database migration?", "Sarah owns the database migration.",
                         sources(window), store, (), window)  # fmt: skip
    assert not got.shown_as_generated and "sarah" in got.why
    right = answers.ground("Who owns the database migration?", "David owns the database migration.",
                           sources(window), store, (), window)  # fmt: skip
    assert right.shown_as_generated and right.text == "David owns the database migration."
    assert 2 in [c.seq for c in right.citations]  # the line it rests on, with its time


def test_who_took_on_the_thing_in_their_own_words_is_tied_to_it(tmp_path: Path) -> None:
    lines = [("Ingrid", "The vendor's renewal notice went to an old mailbox. Tariq, our contact there, confirmed it."),
             ("Nadia", "I'll call the vendor myself this week and get the contact address fixed."),
             ("Ingrid", "Good. Thanks, Nadia.")]  # fmt: skip
    with asking(tmp_path, lines) as ask:
        # "talk" is not "call": one shared word, yet Nadia took on the vendor in her own words.
        got = ask("Who will talk to the certificate vendor?", "Nadia will talk to the certificate vendor.")
        assert got.shown_as_generated and got.text == "Nadia will talk to the certificate vendor."
        # Whoever merely speaks about it is still not tied to it.
        assert not ask("Who will talk to the certificate vendor?", "Ingrid will talk to the certificate vendor.").shown_as_generated


def test_lean_checks_still_refuse_an_absent_name_but_not_a_present_untied_one(tmp_path: Path) -> None:
    window = segments()[:4]
    store = SessionStore(tmp_path / "lean.sqlite", "t")
    for seg in window:
        store.add_segment(seg)
    ask = "Who owns the database migration?"
    absent = answers.ground(ask, "Kevin owns the database migration.", sources(window), store, (), window, lean=True)
    assert not absent.shown_as_generated and "kevin" in absent.why  # a name no source holds: never shown
    untied = answers.ground(ask, "Sarah owns the database migration.", sources(window), store, (), window, lean=True)
    full = answers.ground(ask, "Sarah owns the database migration.", sources(window), store, (), window)
    # Lean drops the rule that a line must tie Sarah to the task (on blind meetings it refused more right
    # replies than wrong ones); the line that gives the task to David still overrules her.
    assert not full.shown_as_generated and "sarah" in full.why
    assert untied.text.startswith("David") and not untied.shown_as_generated


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
    assert never.text == f'{NOT_DISCUSSED} It never mentions "city".' and never.citations == ()


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


def _unlabelled(*texts: str) -> list[Segment]:
    return [Segment("t", i, text, 3.0 * i, 3.0 * i + 2, ()) for i, text in enumerate(texts)]


def test_the_person_asked_owns_the_task_not_the_one_thanked() -> None:
    """The demo's ASR transcript: the model gave Tom's pilot summary to Sarah, thanked a line before."""
    segs = _unlabelled("Thank you, Sarah. Tom, what about the pilot feedback?", "Tom, can you write a short",
                       "summary on the feedback for the team?", "Sure, I will share it on Monday.")  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Sarah | Write a summary on the pilot feedback | Monday"), segs,
                         sources(segs))  # fmt: skip
    assert [(i.owner, i.due) for i in notes.items] == [("Tom", "Monday")]
    assert report.owners_corrected == ["Sarah -> Tom: Write a summary on the pilot feedback"]


def test_a_recap_gives_each_clause_its_own_owner() -> None:
    segs = _unlabelled("So, to summarize, Sarah will fix the payment issues and write the test plan by Wednesday,",
                       "Tom will move the campaign and share the pilot summary on Monday.")  # fmt: skip
    assert owners.owner_of("Write the test plan", segs) == "Sarah"
    assert owners.owner_of("Move the marketing campaign", segs) == "Tom"
    assert owners.owner_of("Book the training room", segs) is None  # nobody claims it


def test_the_speaker_who_takes_a_task_over_owns_it() -> None:
    """Labelled lines: asked first, Amara declines; Sven takes it ("I'll"), and the later claim wins."""
    segs = segments([("Grace", "The logistics contract renews in the summer. Amara, can you renegotiate the contract?"),
                     ("Amara", "I can, but Sven negotiated the last one and knows the people there."),
                     ("Sven", "Happy to take it. I'll renegotiate the logistics contract next week.")])  # fmt: skip
    assert owners.owner_of("Renegotiate the logistics contract", segs) == "Sven"


def test_a_decision_that_is_someones_task_becomes_an_action() -> None:
    segs = _unlabelled("Tom, can you write a short summary on the feedback for the team?", "Sure, I will.")
    notes = Notes()
    notes.merge(parse_extraction("DECISION: Tom will write a short summary on the feedback"), segs, sources(segs))
    assert [(i.kind, i.owner, i.text) for i in notes.items] == [("action", "Tom", "Write a short summary on the feedback")]


def test_a_named_owner_answers_who_but_not_whether() -> None:
    segs = _unlabelled("Who will own the database migration?", "Will we still support the old version of the app?",
                       "Great, David will own the database migration.", "I will check the old version support.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Who will own the database migration?\n"
                                 "OPEN: Will we still support the old version of the app?"), segs[:2], sources(segs))  # fmt: skip
    notes.merge(parse_extraction("ACTION: David | Own the database migration | none\n"
                                 "ACTION: none | Check the old version support | none"), segs[2:], sources(segs))  # fmt: skip
    assert [(i.kind, i.text) for i in notes.items if i.kind == "open"] == [
        ("open", "Will we still support the old version of the app?")]


def test_the_closest_line_is_quoted_as_a_whole_sentence(tmp_path: Path) -> None:
    """Streaming ASR commits fragments; a fallback answer quotes the sentence, not "a test plan for"."""
    with SessionStore(tmp_path / "asr.sqlite", "t") as s:
        for seg in _unlabelled("I will fix the payment issues first,", "and I will write", "a test plan for",
                               "the migration by next Wednesday.", "Thank you."):  # fmt: skip
            s.add_segment(seg)
        got = answers.ground("Who will write the test plan?", "Tom will write the test plan.",
                             sources(list(s.segments())), s, (), list(s.segments()))  # fmt: skip
    assert not got.shown_as_generated  # nothing ties Tom to it
    assert "I will fix the payment issues first, and I will write a test plan for the migration by next " \
           "Wednesday." in got.text
    assert got.citations[0].start == 0.0


def test_an_answer_cites_whole_sentences(tmp_path: Path) -> None:
    """`make demo` cited "[00:58.2] we keep March 10 or move the release." (an ASR fragment)."""
    with SessionStore(tmp_path / "asr.sqlite", "t") as s:
        for seg in _unlabelled("Right, so the real question is whether", "we keep March 10 or move the release.",
                               "We have decided to move the release", "date from March 10 to March 24.",
                               "Good."):  # fmt: skip
            s.add_segment(seg)
        got = answers.ground("What was decided about the release date?",
                             "The release date was moved from March 10 to March 24.",
                             sources(list(s.segments())), s, (), list(s.segments()))  # fmt: skip
    assert got.shown_as_generated
    assert "We have decided to move the release date from March 10 to March 24." in [c.text for c in got.citations]
    assert all(c.text[:1].isupper() for c in got.citations), got.citations


def test_the_person_asked_to_help_is_not_the_owner() -> None:
    """"I will also ask Kevin to help with the backup scripts" (the demo): David's task, not Kevin's; a
    recap's "Tom to move the campaign" still gives it to Tom."""
    segs = segments([("David", "Yes, I will do that. I will also ask Kevin to help with the backup scripts."),
                     ("Tom", "Sounds good."),
                     ("Maria", "Recap: Tom to move the campaign, and Sarah to write the test plan.")])  # fmt: skip
    assert owners.owner_of("Help with the backup scripts", segs) == "David"
    assert owners.owner_of("Move the campaign", segs) == "Tom"
    assert owners.owner_of("Write the test plan", segs) == "Sarah"


def test_a_question_nobody_asked_is_not_an_open_question() -> None:
    segs = _unlabelled("We found twelve open issues in the payment screen.", "Are we keeping the premium plan?")
    notes = Notes()
    report = notes.merge(parse_extraction("OPEN: What should we do about the payment screen issues?\n"
                                          "OPEN: Are we keeping the premium plan?"), segs, sources(segs))  # fmt: skip
    assert [i.text for i in notes.items if i.kind == "open"] == ["Are we keeping the premium plan?"]
    assert "no line asks it" in report.dropped_ungrounded[0]


def test_a_decision_nobody_stated_is_dropped() -> None:
    """Asked whether the old version stays supported, a model noted that it will not be: nobody said so."""
    segs = _unlabelled("Will we still support the old version of the app after the release?", "And for how long?",
                       "That is a good question and I don't have an answer yet.",
                       "The open questions are support for the old version and the premium price.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Will we still support the old version of the app after the release?"),
                segs[:1], sources(segs))  # fmt: skip
    report = notes.merge(parse_extraction("DECISION: We will not support the old version of the app after the release"),
                         segs, sources(segs))  # fmt: skip
    assert [i.kind for i in notes.items] == ["open"]  # still open: the invented decision closed nothing
    assert "no statement says it" in report.dropped_ungrounded[0]


def test_an_open_question_listed_after_its_answer_is_not_added() -> None:
    segs = _unlabelled("Now, who will own the database migration?", "Great, David owns the database migration.")
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Own the database migration | none\n"
                                 "OPEN: Who will own the database migration?"), segs, sources(segs))  # fmt: skip
    assert [(i.kind, i.owner) for i in notes.items] == [("action", "David")]


def test_a_who_question_falls_back_to_the_line_that_gives_the_task(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "asr.sqlite", "t") as s:
        for seg in _unlabelled("I will fix the payment issues first,", "and I will write", "a test plan for",
                               "the migration by next Wednesday.", "Thank you.",
                               "So, to summarize, Sarah will fix the payment issues and write the test plan by",
                               "Wednesday."):  # fmt: skip
            s.add_segment(seg)
        got = answers.ground("Who will write the test plan?", "Tom will write the test plan.",
                             sources(list(s.segments())), s, (), list(s.segments()))  # fmt: skip
    assert "Sarah will fix the payment issues and write the test plan by Wednesday." in got.text


def test_a_task_nobody_gave_or_said_is_dropped() -> None:
    """An invented task is dropped; a task asked of Marcus is his, whoever the model named."""
    segs = segments([("Marcus", "One thing: Ravi has another offer, so he needs an answer from us by Friday."),
                     ("Priya", "Then we move fast. Marcus, can you run the reference checks this week?"),
                     ("Marcus", "Sure, I can do that.")])  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Priya | Run the reference checks | this week\n"
                                          "ACTION: Marcus | Send Ravi's offer to Priya | Friday"), segs, sources(segs))  # fmt: skip
    assert [(i.owner, i.text) for i in notes.items if i.kind == "action"] == [("Marcus", "Run the reference checks")]
    assert report.owners_corrected == ["Priya -> Marcus: Run the reference checks"]
    assert report.dropped_ungrounded[0].startswith("action: Send Ravi's offer to Priya")  # "send": nobody said it


def test_a_who_answer_naming_the_wrong_person_gives_way_to_the_line_that_gives_the_task(tmp_path: Path) -> None:
    lines = [("Grace", "On to headcount."),
             ("Julia", "On headcount: I'll send the headcount plan for next year. Nico in HR has the raw numbers, "
                       "but the plan itself is mine, and I'll send it this week."),
             ("Hector", "Then there are the two contractors in operations.")]  # fmt: skip
    with SessionStore(tmp_path / "s.sqlite", "t") as s:
        for seg in segments(lines):
            s.add_segment(seg)
        window = list(s.segments())
        got = answers.ground("Who will send the headcount plan?", "Nico in HR will send the headcount plan.",
                             sources(window), s, (), window)  # fmt: skip
        assert not got.shown_as_generated and got.text.startswith('Julia ([00:10.0] Julia: "On headcount')
        right = answers.ground("Who will send the headcount plan?", "Julia will send the headcount plan.",
                               sources(window), s, (), window)  # fmt: skip
        assert right.shown_as_generated
        never = answers.ground("Who will pay for the contractors' laptops?", "Not discussed.",
                               sources(window), s, (), window)  # fmt: skip
        assert never.text.startswith(NOT_DISCUSSED)


def test_a_reply_that_only_restates_the_question_is_an_abstention(store: SessionStore) -> None:
    window = segments()
    got = answers.ground("Which bank will provide the new credit line?", "The bank will provide the new credit line.",
                         sources(window), store, (), window)  # fmt: skip
    assert got.text.startswith(NOT_DISCUSSED) and not got.shown_as_generated
    yes_no = answers.ground("Does David own the database migration?", "Yes, David owns the database migration.",
                            sources(window), store, (), window)  # fmt: skip
    assert yes_no.shown_as_generated


def test_a_yes_no_reply_nobody_said_and_a_how_much_reply_without_a_number_are_no_answers(store: SessionStore) -> None:
    window = segments()
    never = answers.ground("Was the database restored from a backup?", "The database was not restored from a backup.",
                           sources(window), store, (), window)  # fmt: skip
    assert never.text.startswith(NOT_DISCUSSED) and not never.shown_as_generated
    assert "no line says" in never.why
    vague = answers.ground("How much revenue was lost?", "The delay caused a loss of revenue.",
                           sources(window), store, (), window)  # fmt: skip
    # The meeting never says "revenue" (judged first, stop 30); the reply has no number either.
    assert vague.text.startswith(NOT_DISCUSSED) and "revenue" in vague.why
    assert "without a number" in answers._unfounded("How much revenue was lost?", "The delay caused a loss of revenue.",
                                                    store)  # fmt: skip
    # A "what amount" question is a how-much question: the 1.5B model answered a never-discussed "What signing
    # bonus ...?" with "The approved band for Ravi's level starts higher now."
    amount = answers.ground("What signing bonus was offered to David?", "David's migration plan is due on Friday.",
                            sources(window), store, (), window)  # fmt: skip
    assert amount.text.startswith(NOT_DISCUSSED) and "bonus" in amount.why
    assert "without a number" in answers._unfounded("What signing bonus was offered to David?",
                                                    "David's migration plan is due on Friday.", store)  # fmt: skip
    # Said in the meeting: a yes/no reply in the question's words stands, and so does a figure.
    said = answers.ground("Will Sarah write a test plan by Wednesday?", "Sarah will write a test plan by Wednesday.",
                          sources(window), store, (), window)  # fmt: skip
    assert said.shown_as_generated
    budget = answers.ground("How much is the campaign budget?", "The campaign budget is forty five thousand dollars.",
                            sources(window), store, (), window)  # fmt: skip
    assert budget.shown_as_generated


def test_a_fact_is_a_number_or_a_date_and_a_name_alone_gives_no_task() -> None:
    segs = segments([("Marcus", "Did everyone get a chance to read the interview notes before this?"),
                     ("Marcus", "One thing: Ravi has another offer, so he needs an answer from us by Friday."),
                     ("Priya", "Okay, we're agreed: the backend offer goes to Ravi."),
                     ("Elena", "The interview calendar is a bit of a black box to most of us."),
                     ("Priya", "The budget only covers four interns this summer.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Marcus | Read the interview notes | none\n"  # only asked
                                 "DECISION: Ravi's offer is accepted\n"  # not Ravi's task ("Ravi has ...")
                                 "FACT: The interview calendar is a black box\n"  # a remark
                                 "FACT: The budget covers four interns"), segs, sources(segs))  # fmt: skip
    assert [(i.kind, i.owner, i.text) for i in notes.items] == [
        ("decision", "", "Ravi's offer is accepted"), ("fact", "", "The budget covers four interns"),
        ("fact", "", "Ravi has another offer, so he needs an answer from us by Friday")]  # a stated deadline


def test_tasks_said_in_so_many_words() -> None:
    """What a claim says is a task (and its due date); offers, turns of speech and pronoun tasks are not."""
    segs = segments([("David", "I can start with the engineering status, if that helps."),
                     ("David", "Yes, I will do that. I will also ask Kevin to help with the backup scripts."),
                     ("Sarah", "I will fix the payment issues first, and I will write a test plan for the migration "
                               "by next Wednesday."),
                     ("Maria", "Tom, can you write a short summary of the feedback for the team?"),
                     ("Tom", "I'll be honest, I am a little worried."),
                     ("Jonah", "I'll rewrite the job post by Monday so it reads less like a list of tools."),
                     ("Maria", "Great. David owns the database migration.")])  # fmt: skip
    got = [(t.person, t.task, t.due) for t in owners.said_tasks(segs)]
    assert got == [("David", "Ask Kevin to help with the backup scripts", ""),
                   ("Sarah", "Fix the payment issues", ""),
                   ("Sarah", "Write a test plan for the migration", "next Wednesday"),
                   ("Tom", "Write a short summary of the feedback for the team", ""),
                   ("Jonah", "Rewrite the job post", "Monday"),
                   ("David", "Own the database migration", "")]  # fmt: skip


def test_a_task_the_model_missed_is_added_from_the_line_that_gives_it() -> None:
    segs = segments([("Sarah", "I will fix the payment issues first, and I will write a test plan for the migration "
                               "by next Wednesday.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Sarah | Fix the payment issues in the payment screen | none"), segs,
                sources(segs))  # fmt: skip
    assert [(i.owner, i.text, i.due) for i in notes.items] == [
        ("Sarah", "Fix the payment issues in the payment screen", ""),  # the model's wording stands
        ("Sarah", "Write a test plan for the migration", "next Wednesday")]  # fmt: skip


def test_a_line_that_leaves_a_matter_open_states_no_decision_about_it() -> None:
    """`make demo`'s recap "The open questions are support for the old version ..." let the 1.5B model's
    invented "Support for the old version will be available for one month" through, which then closed
    the open question."""
    segs = segments([("Sarah", "One open question. Will we still support the old version of the app after the "
                               "release, and for how long?"),
                     ("Maria", "The open questions are support for the old version and the premium price.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Will we still support the old version of the app after the release?"),
                segs[:1], sources(segs))  # fmt: skip
    report = notes.merge(parse_extraction("DECISION: Support for the old version will be available for one month "
                                          "after the release"), segs[1:], sources(segs), segs[:1])  # fmt: skip
    assert [i.kind for i in notes.items] == ["open"]
    assert "no statement says it" in report.dropped_ungrounded[0]


def _asr(*lines: tuple[str, str]) -> list[Segment]:
    """Streaming ASR segments with live speaker labels: fragments, with word times."""
    out = []
    for i, (who, text) in enumerate(lines):
        words = tuple(Word(w, 3.0 * i, 3.0 * i + 2, 0.9) for w in text.split())
        out.append(Segment("t", i, text, 3.0 * i, 3.0 * i + 2, words, who))
    return out


def test_labelled_asr_fragments_are_joined_per_speaker() -> None:
    segs = _asr(("S1", "Great, David owns the"), ("S1", "database migration."), ("S2", "Okay, and the"),
                ("S3", "payment fix?"))  # fmt: skip
    assert [(s.text, set(s.speakers)) for s in owners.joined(segs)] == [
        ("Great, David owns the database migration.", {"S1"}), ("Okay, and the", {"S2"}), ("payment fix?", {"S3"})]
    assert owners.owner_of("Own the database migration", segs) == "David"


def test_an_unnamed_speaker_who_accepts_a_request_is_the_person_asked() -> None:
    segs = _asr(("S1", "Tom, can you write a short"), ("S1", "summary of the feedback for the team?"),
                ("S2", "Sure, I will share the summary on Monday."),
                ("S1", "Tom, can you move the campaign?"), ("S3", "I will fix the payment issues first."))  # fmt: skip
    assert owners.owner_of("Write a short summary of the feedback", segs) == "Tom"
    assert owners.owner_of("Share the summary on Monday", segs) == "Tom"
    assert owners.owner_of("Fix the payment issues", segs) == "S3"  # no acceptance: the speaker it is


def test_a_question_parked_in_passing_is_an_open_question() -> None:
    segs = segments([("Elena", "Can we talk about the take-home exercise? Senior people keep dropping out."),
                     ("Priya", "Fair. Let's leave the take-home question open and come back to it next time."),
                     ("Tom", "Another one. Are we keeping the premium plan at ten dollars a month?"),
                     ("Maria", "We have not decided that. Let's leave it open until we see the pilot numbers."),
                     ("Helen", "So author order stays open until we see who wrote what."),
                     ("Ana", "The library stays open until five on Thursdays.")])  # fmt: skip
    assert said.left_open(segs) == [
        "The take-home question", "Are we keeping the premium plan at ten dollars a month?",
        "Author order (open until we see who wrote what)"]  # not the library's opening hours
    notes = Notes()
    notes.merge([], segs, sources(segs))
    assert [(i.kind, i.text) for i in notes.items] == [
        ("open", "The take-home question"), ("open", "Are we keeping the premium plan at ten dollars a month?"),
        ("open", "Author order (open until we see who wrote what)"),
        ("fact", "The library stays open until five on Thursdays")]  # hours stated: a fact, nothing left open  # fmt: skip


def test_a_decision_announced_as_one_is_noted_in_its_words() -> None:
    segs = segments([("Priya", "Okay. Since Claire wants fully remote, we're agreed: the backend offer goes to Ravi."),
                     ("Maria", "We have not decided that. Let's leave it open."),
                     ("Maria", "Okay, then let's make it official. We have decided to move the release date to "
                               "March twenty fourth.")])  # fmt: skip
    assert said.decided(segs) == ["The backend offer goes to Ravi",
                                          "Move the release date to March twenty fourth"]  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("DECISION: The release moves to March 24"), segs, sources(segs))
    assert [i.text for i in notes.items if i.kind == "decision"] == [
        "The release moves to March 24", "The backend offer goes to Ravi"]  # the model's wording stands


def test_a_due_date_the_task_already_says_is_not_repeated() -> None:
    assert Item("action", "Send the plan to the team by Friday", "David", "Friday").line() == \
        "- David: Send the plan to the team by Friday"  # fmt: skip
    assert Item("action", "Send the plan to the team", "David", "Friday").line() == \
        "- David: Send the plan to the team (due Friday)"  # fmt: skip


def test_the_day_something_starts_is_not_a_due_date() -> None:
    lines = [
        ("Ingrid", "Luis, you're on leave from Monday, so I will update the runbook myself."),
        ("Luis", "Thanks. I'm back on Thursday."),
        ("Maria", "David, please send the plan by Friday."),
    ]
    segs = segments(lines)
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Ingrid | Update the runbook | Monday\n"
                                          "ACTION: David | Send the plan | Friday"), segs, sources(segs))
    due = {i.owner: i.due for i in notes.items if i.kind == "action"}
    assert due == {"Ingrid": "", "David": "Friday"}
    assert report.dues_dropped == ["Update the runbook (due Monday)"]
    # The same day given as a deadline elsewhere in the window stands.
    segs = segments([*lines, ("Ingrid", "I will have the runbook done by Monday.")])
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Ingrid | Update the runbook | Monday"), segs, sources(segs))
    assert [i.due for i in notes.items if i.owner == "Ingrid"] == ["Monday"]


def test_a_due_date_that_names_no_day_or_time_is_dropped() -> None:
    """The 1.5B model's dues on the dev meetings: "At eleven a pound" (a price) and a whole sentence are
    not dates; "tomorrow night after close", "the 11th", "at 4 pm" are."""
    segs = segments([("Rosa", "At eleven a pound we drop the short rib, and I will tell the client by the 11th."),
                     ("Luis", "I will do the allergen cards tomorrow night after close."),
                     ("Omar", "I will draft the related work section. The writing is mine.")])  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction(
        "ACTION: Rosa | Drop the short rib | At eleven a pound\nACTION: Rosa | Tell the client | the 11th\n"
        "ACTION: Luis | Do the allergen cards | tomorrow night after close\n"
        "ACTION: Omar | Draft the related work section | The writing is mine"), segs, sources(segs))  # fmt: skip
    assert {i.text: i.due for i in notes.items if i.kind == "action"} == {
        "Drop the short rib": "", "Tell the client": "the 11th", "Do the allergen cards": "tomorrow night after close",
        "Draft the related work section": ""}  # fmt: skip
    assert report.dues_dropped == ["Drop the short rib (due At eleven a pound)",
                                   "Draft the related work section (due The writing is mine)"]  # fmt: skip


def test_a_corrected_figure_and_a_calendar_date_are_key_facts_and_small_talk_is_not() -> None:
    lines = [
        ("Jonah", "I ran the marathon on Sunday. Two hours and five minutes."),
        ("Marcus", "For Ravi's offer, I had one hundred forty-five thousand as the base salary."),
        ("Priya", "Wait, the approved band for that level starts higher now."),
        ("Marcus", "You're right, sorry, I used the old sheet. The base salary offer is a hundred and fifty "
                   "thousand, which is the bottom of the new band."),
        ("Marcus", "He told me he could start on June second if we're quick."),
        ("Priya", "Could he start on May first instead?"),
        ("Priya", "So the real question is whether we keep March tenth or move the release."),
    ]
    segs = segments(lines)
    assert said.stated_facts(segs) == [
        "The base salary offer is a hundred and fifty thousand", "He told me he could start on June second"]
    assert said.stated_facts(segs, new_from=4) == ["He told me he could start on June second"]
    # The model noted the first figure; the correction replaces it instead of standing beside it.
    notes = Notes()
    notes.merge(parse_extraction("FACT: The base salary offer is 145000"), segs[:2], sources(segs[:2]))
    notes.merge([], segs[2:], sources(segs), segs[:2])
    facts = [i for i in notes.items if i.kind == "fact"]
    assert [f.text for f in facts] == ["The base salary offer is a hundred and fifty thousand",
                                       "He told me he could start on June second"]
    assert facts[0].history and "145000" in facts[0].history[0]
    assert "marathon" not in notes.render().lower() and "two hours" not in notes.render().lower()


def test_the_running_order_and_status_requests_are_not_items() -> None:
    segs = segments([("Priya", "Okay, let's turn to the plan for the summer interns now."),
                     ("Elena", "Where are we with the welcome week?"),
                     ("Marcus", "Nearly done; the schedule goes out Friday.")])  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("DECISION: Turn to the plan for the summer interns now\n"
                                          "ACTION: Priya | Let's turn to the plan for the summer interns now | none\n"
                                          "OPEN: Where are we with the welcome week?"), segs, sources(segs))  # fmt: skip
    assert notes.items == []
    assert all("running order" in why for why in report.dropped_ungrounded), report.dropped_ungrounded


def test_a_recap_names_the_owner_of_a_task_an_unnamed_speaker_took() -> None:
    first = _asr(("S2", "I will fix the payment issues first."))
    recap = _asr(("S1", "Thanks."), ("S1", "To summarize, Sarah will fix the payment issues by Wednesday."))
    recap = [Segment("t", 5 + s.seq, s.text, s.start + 15, s.end + 15, s.words, s.speaker) for s in recap]
    notes = Notes()
    notes.merge([], first, sources(first))
    assert [(i.owner, i.text) for i in notes.items] == [("S2", "Fix the payment issues")]
    notes.merge([], recap, sources([*first, *recap]), first)
    assert [(i.owner, i.text, i.due) for i in notes.items] == [("Sarah", "Fix the payment issues", "Wednesday")]
    assert notes.items[0].history == ["owner S2 -> Sarah at 00:15.0", "due none -> Wednesday at 00:15.0"]


def test_the_person_thanked_next_took_the_unlabelled_task() -> None:
    """The demo's ASR transcript (no speaker labels): the model gave Sarah's test plan to David, who was
    given the migration two lines before; "Thank you, Sarah" right after the commitment names its speaker."""
    segs = _unlabelled("Great, David owns the database migration. Please send a plan to the team by Friday.",
                       "Yes, I will do that. I will also ask Kevin to help with the backup scripts.",
                       "I will fix the payment issues first, and I will write a test plan for the migration",
                       "by next Wednesday.", "Thank you, Sarah. Tom, what about the pilot feedback?")  # fmt: skip
    assert owners.owner_of("Write a test plan for the migration", segs) == "Sarah"
    assert owners.owner_of("Fix the payment issues", segs) == "Sarah"
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Write a test plan for the migration | next Wednesday"), segs,
                sources(segs))  # fmt: skip
    assert ("Sarah", "Write a test plan for the migration") in [(i.owner, i.text) for i in notes.items]
    # Thanks for a report is not a task taken: nothing was committed to in the line before.
    segs = _unlabelled("The pilot had about 400 users this month.", "Thanks, Tom. I will send the numbers round.")
    assert owners.owner_of("Send the numbers round", segs) is None


def test_a_recap_of_two_tasks_joined_by_and_gives_both() -> None:
    """"Sarah will fix the payment issues and write the test plan by Wednesday" is two tasks (the date goes
    with the last); "fix the payment screen and the login page" is one task with two objects."""
    segs = _unlabelled("Hi David, hi Tom, hi Sarah.",
                       "So, to summarize, David owns the database migration and sends the plan by Friday.",
                       "Sarah will fix the payment issues and write the test plan by Wednesday.",
                       "Tom will move the campaign and then share the pilot summary on Monday.",
                       "Sarah will fix the payment screen and the login page.")  # fmt: skip
    got = [(t.person, t.task, t.due) for t in owners.said_tasks(segs)]
    assert got == [("David", "Own the database migration", ""), ("David", "Send the plan", "Friday"),
                   ("Sarah", "Fix the payment issues", ""), ("Sarah", "Write the test plan", "Wednesday"),
                   ("Tom", "Move the campaign", ""), ("Tom", "Share the pilot summary", "Monday"),
                   ("Sarah", "Fix the payment screen and the login page", "")]  # fmt: skip
    # The recap moves the second task to its owner too, not only the task its words match best.
    first = _unlabelled("Hi David, hi Tom, hi Sarah.", "I will write a test plan for the migration.",
                        "I will also fix the payment issues.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Write a test plan for the migration | none\n"
                                 "ACTION: none | Fix the payment issues | none"), first, sources(first))  # fmt: skip
    recap = [Segment("t", 10, "To summarize, Sarah will fix the payment issues and write the test plan by Wednesday.",
                     40.0, 44.0, ())]  # fmt: skip
    notes.merge([], recap, sources([*first, *recap]), first)
    assert sorted((i.owner, i.text) for i in notes.items if i.kind == "action") == [
        ("Sarah", "Fix the payment issues"), ("Sarah", "Write a test plan for the migration")]  # fmt: skip



def test_a_recap_that_opens_with_the_only_mention_of_a_name_gives_the_task() -> None:
    """Stop 21's `make demo`: Whisper heard "Great, David owns ..." as "Great, game it owns ...", so David
    was named only where the recap's sentence opens, where any word is capitalised. The answered "who"
    question then leaves the open questions; a gerund or a word the meeting uses in lower case is no one."""
    lines = ("Now, who will own the database migration?", "Sarah's team is busy with testing, so I will take it myself.",
             "Great, game it owns the database migration. Please send a plan to the team by Friday.",
             "So, to summarize, the release moves to March 24th.",
             "David owns the database migration and sends the plan by Friday.")  # fmt: skip
    segs = _unlabelled(*lines)
    assert "david" in owners.people_in(segs)
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Who will own the database migration?"), segs[:3], sources(segs[:3]))
    assert [i.kind for i in notes.items] == ["open"]
    notes.merge([], segs[3:], sources(segs), segs[:3])
    assert [(i.kind, i.owner, i.text) for i in notes.items if i.kind in ("action", "open")] == [
        ("action", "David", "Own the database migration"), ("action", "David", "Send the plan")]
    segs = _unlabelled("Mentoring takes real time and will need two people.", "Testing will take two weeks.",
                       "We started testing on Monday.", "Everything will be ready by Friday.")  # fmt: skip
    assert owners.people_in(segs) == set()


def test_a_due_said_for_the_second_task_of_a_clause_is_not_the_first_s() -> None:
    """The 1.5B model gave "Tom will move the campaign and share the pilot summary on Monday" both tasks
    the Monday (stop 21's `make demo`); the clause gives it to the summary. A due said with the task
    itself, or in a sentence this reading cannot split, stands."""
    segs = _unlabelled("Hi Tom, hi Sarah.", "Tom will move the campaign and share the pilot summary on Monday.")
    assert owners.due_of_another("Move the campaign", "Monday", segs)
    assert not owners.due_of_another("Share the pilot summary", "Monday", segs)
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Tom | Move the campaign | Monday"), segs, sources(segs))
    assert {i.text: i.due for i in notes.items if i.kind == "action"} == {
        "Move the campaign": "", "Share the pilot summary": "Monday"}
    assert report.dues_dropped == ["Move the campaign (due Monday)"]
    segs = _unlabelled("Hi Tom, hi Sarah.", "By Monday, Tom will move the campaign and share the pilot summary.",
                       "Sarah will move the booth on Monday.")  # fmt: skip
    assert not owners.due_of_another("Move the campaign", "Monday", segs)


def test_a_key_fact_worded_as_a_task_is_not_listed_beside_the_task() -> None:
    """Stop 21's demo listed "Send a plan to the team by Friday" as a key fact beside the task "Send the plan
    to the team (due Friday)": the due counts as the task's words, and a fact worded as a command needs
    half its words in a task to be that task's restatement."""
    segs = _unlabelled("Hi David.", "David, please send the plan to the team by Friday.",
                       "The budget for the campaign is forty thousand dollars.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Send the plan to the team | Friday\n"
                                 "FACT: Send a plan to the team by Friday\n"
                                 "FACT: The budget for the campaign is forty thousand dollars"), segs, sources(segs))
    assert [(i.kind, i.text) for i in notes.items] == [
        ("action", "Send the plan to the team"), ("fact", "The budget for the campaign is forty thousand dollars")]

def test_a_remark_is_not_a_decision_but_a_figure_in_it_is_a_fact() -> None:
    """A decision must be said as one (agreed, decided, a plan, a change of state); a "decision" that is a
    plain statement with a figure is kept as a key fact; remarks and the agenda are neither."""
    segs = segments([("Priya", "And we need to settle the offer details at the end."),
                     ("Marcus", "Look, I think the equity guideline has been stable for months."),
                     ("Helen", "Okay, you've convinced me. We skip the workshop and submit to the main conference."),
                     ("Tom", "The status page was updated twenty minutes in, which is too late."),
                     ("Maria", "Good, then the startup fix goes into the release.")])  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("DECISION: Settle the offer details\n"
                                          "DECISION: Update the equity guideline\n"
                                          "DECISION: Skip the workshop and submit to the main conference\n"
                                          "DECISION: The status page was updated twenty minutes in\n"
                                          "DECISION: The startup fix goes into the release"), segs, sources(segs))  # fmt: skip
    assert [(i.kind, i.text) for i in notes.items] == [
        ("decision", "Skip the workshop and submit to the main conference"),
        ("fact", "The status page was updated twenty minutes in"),
        ("decision", "The startup fix goes into the release"),
    ]
    assert sum("no statement says it" in why for why in report.dropped_ungrounded) == 2, report.dropped_ungrounded


def test_a_task_must_be_given_as_one_before_its_verb() -> None:
    """"harder to explain than it should be" gives no task; "we'll pair them", "we re-post it" do."""
    segs = segments([("Marcus", "I'd say the applicant tracker is harder to explain than it should be."),
                     ("Elena", "Four is still fine. We'll pair them with the teams that have the clearest projects."),
                     ("Priya", "Okay, decided: the designer role becomes remote and we re-post it.")])  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: none | Explain the applicant tracker to the team | none\n"
                                          "ACTION: none | Pair the interns with the teams with the clearest projects | none\n"
                                          "ACTION: none | Re-post the designer role | none"), segs, sources(segs))  # fmt: skip
    assert [i.text for i in notes.items if i.kind == "action"] == [
        "Pair the interns with the teams with the clearest projects", "Re-post the designer role"]
    assert any(why.startswith("action: Explain the applicant tracker") for why in report.dropped_ungrounded)


def test_a_status_question_answered_on_the_spot_leaves_nothing_open() -> None:
    segs = segments([("Elena", "How is the applicant tracker going, by the way?"),
                     ("Marcus", "Fine, the applicant tracker got simpler last month."),
                     ("Lucia", "Should we pay the next round of participants fifteen or twenty euros?")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("OPEN: What should be done about the applicant tracker?\n"
                                 "OPEN: Should we pay the next round of participants fifteen or twenty euros?"),
                segs, sources(segs))  # fmt: skip
    assert [i.text for i in notes.items] == ["Should we pay the next round of participants fifteen or twenty euros?"]


def test_a_question_asked_as_an_aside_is_small_talk_not_an_open_question() -> None:
    """Read meetings, stop 39: 9 of the 14 small-talk lines in their final notes were questions asked as
    asides ("..., by the way?", "side question", "totally unrelated, but ..."), kept as open to the end. A
    matter left open in words ("we don't know yet") is still raised, aside or not."""
    segs = segments([("Ewan", "Did anyone see the shinty at the weekend, by the way? Kingussie again."),
                     ("Callum", "Don't. Don't start."),
                     ("Femi", "Sorry, totally unrelated, but who broke the tea urn in the welfare cabin?"),
                     ("Moira", "By the way, the harbour dues for next year, we don't know yet what they'll be.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("OPEN: Who saw the shinty at the weekend?\nOPEN: Who broke the tea urn in the welfare cabin?\n"
                                 "OPEN: What will the harbour dues be next year?"), segs, sources(segs))  # fmt: skip
    assert [i.text for i in notes.items] == ["What will the harbour dues be next year?"]


def test_an_answer_with_a_figure_corrected_later_gives_the_correction(tmp_path: Path) -> None:
    """Lines of two dev meetings: the first figure of a corrected pair is not the answer, in a reply or as
    the closest line; the corrected figure, and a figure nobody corrected, stand."""
    lines = [("Lucia", "So, the data. After the first round we had a hundred and twenty participants."),
             ("Yuki", "Plus the second round, which finished on Friday."),
             ("Lucia", "Right, sorry, with the second round we're at a hundred and forty participants in total."),
             ("Marcus", "For Ravi's offer, I had one hundred forty-five thousand as the base salary."),
             ("Priya", "Wait, the approved band for that level starts higher now. It was updated in the spring."),
             ("Marcus", "You're right, sorry, I used the old sheet. The base salary offer is a hundred and fifty "
                        "thousand, which is the bottom of the new band."),
             ("Yuki", "On money: we have three thousand euros left for cloud compute this year.")]  # fmt: skip
    with asking(tmp_path, lines) as ask:
        old = ask("How many participants are in the study?", "There are a hundred and twenty participants.")
        assert "a hundred and forty participants" in old.text and not old.shown_as_generated
        assert [c.seq for c in old.citations] == [2]
        salary = ask("What is the base salary in Ravi's offer?", "The base salary is one hundred forty-five thousand.")
        assert "a hundred and fifty thousand" in salary.text and [c.seq for c in salary.citations] == [5]
        right = ask("How many participants are in the study?", "A hundred and forty participants in total.")
        assert right.shown_as_generated and right.text == "A hundred and forty participants in total."
        compute = ask("How much money is left for cloud compute?", "Three thousand euros are left for cloud compute.")
        assert compute.shown_as_generated
        closest = ask("How many participants are in the data?", "The meeting does not say.")  # line 0 is closest
        assert "a hundred and forty" in closest.text and closest.text.startswith(NOT_DISCUSSED)


def test_a_decision_concluded_in_the_present_is_noted_and_a_question_after_it_does_not_hide_it() -> None:
    """"Good, then the startup fix goes into the release. Tom, can you ...?" (the demo): one utterance, a
    decision then a request; the model missed the decision. A concession then a plan in the same turn is
    one too; "Then we move fast" (two content words) and a negated conclusion are not."""
    segs = segments([("Maria", "Good, then the startup fix goes into the release. Tom, can you write a short summary "
                               "of the feedback for the team?"),
                     ("Helen", "Okay, you've convinced me. We skip the workshop and submit to the main conference."),
                     ("Priya", "Then we move fast. Marcus, can you run the reference checks this week?"),
                     ("Tom", "Okay, then we don't move the campaign to April.")])  # fmt: skip
    assert said.decided(segs) == ["The startup fix goes into the release",
                                  "We skip the workshop and submit to the main conference"]  # fmt: skip
    notes = Notes()
    notes.merge([], segs, sources(segs))
    assert [(i.kind, i.text) for i in notes.items if i.kind == "decision"] == [
        ("decision", "The startup fix goes into the release"),
        ("decision", "We skip the workshop and submit to the main conference")]


def test_a_task_said_before_a_question_in_the_same_utterance_is_said() -> None:
    segs = _unlabelled("We will send the customer report by Friday. Does that work for everyone?")
    notes = Notes()
    notes.merge(parse_extraction("ACTION: none | Send the customer report | Friday"), segs, sources(segs))
    assert [(i.kind, i.text, i.due) for i in notes.items] == [("action", "Send the customer report", "Friday")]


def test_a_deadline_on_a_weekday_is_a_key_fact_and_a_task_s_own_day_is_its_due_date() -> None:
    segs = segments([("Marcus", "One thing: Ravi has another offer, so he needs an answer from us by Friday."),
                     ("Jonah", "Great. I'll rewrite the job post by Monday so it reads less like a list of tools."),
                     ("Yuki", "Plus the second round, which finished on Friday."),
                     ("Ben", "The deadline is not Friday, it moved.")])  # fmt: skip
    assert said.stated_facts(segs) == ["Ravi has another offer, so he needs an answer from us by Friday"]


def test_a_stated_date_drops_the_speaker_s_stance_before_it() -> None:
    """And a date with nothing said about it is no fact ("March 24 works for me": this stop's demo page)."""
    segs = segments([("Tom", "I am a little worried about that, our marketing campaign is planned around the "
                             "original date, March 10."),
                     ("Sarah", "I moved the design review to March 12, as agreed."),
                     ("Tom", "March 24 works for me.")])  # fmt: skip
    assert said.stated_facts(segs) == [
        "Our marketing campaign is planned around the original date, March 10",
        "I moved the design review to March 12, as agreed"]


def test_a_fact_listed_before_the_decision_it_restates_is_not_kept_beside_it() -> None:
    segs = segments([("Sarah", "Okay, then let's make it official. We have decided to move the release date "
                               "from March tenth to March twenty-fourth.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("FACT: We have decided to move the release date from March 10 to March 24\n"
                                 "DECISION: Move the release date from March 10 to March 24"), segs, sources(segs))
    assert [(i.kind, i.text) for i in notes.items] == [
        ("decision", "Move the release date from March 10 to March 24")]


def test_a_count_stated_in_passing_is_a_key_fact_and_a_span_of_time_or_a_part_is_not() -> None:
    segs = segments([("Sarah", "From the testing side, we found twelve open issues last week."),
                     ("Sarah", "Three of those issues are serious."),
                     ("David", "It is bigger than we expected, and it needs at least two more weeks."),
                     ("Maria", "This month we had about four hundred pilot users."),
                     ("David", "The migration will need roughly two hours of downtime."),
                     ("Tom", "I'm teaching two courses this month and I won't get to it.")])  # fmt: skip
    assert said.stated_facts(segs) == ["From the testing side, we found twelve open issues last week",
                                       "This month we had about four hundred pilot users",
                                       "The migration will need roughly two hours of downtime"]


def test_a_figure_corrected_in_the_next_sentence_replaces_the_fact_it_corrects() -> None:
    """The cue and the new figure in two sentences of one turn; the model's own wording of the new
    figure does not take the correction's place."""
    segs = segments([("Elena", "For the summer, the plan was six interns, two per team."),
                     ("Priya", "I have to correct that. Finance came back yesterday, and the budget only covers "
                               "four interns this summer, not six.")])  # fmt: skip
    notes = Notes()
    notes.merge([], segs[:1], sources(segs[:1]))
    assert [i.text for i in notes.items] == ["For the summer, the plan was six interns, two per team"]
    notes.merge(parse_extraction("FACT: The budget only covers four interns this summer"), segs[1:], sources(segs),
                segs[:1])
    texts = [i.text for i in notes.items if i.kind == "fact"]
    # the model's shorter wording of the same figure is not listed beside the sentence that says it
    assert texts == ["Finance came back yesterday, and the budget only covers four interns this summer, not six"]


def test_someone_asked_to_help_is_not_the_owner_of_an_unlabelled_task() -> None:
    """`make demo`'s ASR transcript (no speaker labels): the model gave the backup scripts to Kevin."""
    segs = _unlabelled("Great, David owns the database migration. Please send a plan to the team by Friday.",
                       "Yes, I will do that.", "I will also ask Kevin to help win the backup scripts.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Kevin | Help win the backup scripts | none"), segs, sources(segs))
    assert [(i.text, i.owner) for i in notes.items if "backup" in i.text] == [("Help win the backup scripts", "")]


def test_a_due_date_is_only_its_date() -> None:
    """`make demo`'s ASR recap "David owns the database migration and end the plan by Friday": the model
    wrote "end the plan by Friday" as the due date."""
    segs = _unlabelled("Sarah's team is busy with testing, so I will take it myself.",
                       "So, to summarize, the release moves to March 24th. David owns the database migration "
                       "and end the plan by Friday.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Own the database migration | end the plan by Friday"), segs,
                sources(segs))
    assert [(i.owner, i.due) for i in notes.items if i.kind == "action"] == [("David", "Friday")]
    assert said.stated_facts(segs)[0] == "The release moves to March 24th"
    assert owners.due_phrase("the end of the month") == "the end of the month"


def test_a_short_task_does_not_swallow_a_longer_fact_that_holds_its_words() -> None:
    """This stop's `make demo`: "David: Take the database migration" removed the key fact "The database
    migration is expected to take two more weeks" (the restatement check measured the shorter side)."""
    segs = _unlabelled("The main risk is the database migration. It is bigger than we expected, and it needs at "
                       "least two more weeks.", "Sarah's team is busy with testing, so I will take it myself.",
                       "Great, David owns the database migration.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("FACT: The database migration is expected to take two more weeks"), segs[:1],
                sources(segs[:1]))
    notes.merge(parse_extraction("ACTION: David | Take the database migration | none"), segs[1:], sources(segs),
                segs[:1])
    assert [(i.kind, i.owner) for i in notes.items] == [("fact", ""), ("action", "David")]


def test_a_conclusion_over_two_sentences_is_one_decision_and_replaces_the_plan_it_moves() -> None:
    """Test, stop 30 (read): "Then let's revisit what we said this morning. The integrations come first:
    ..." and "So the mobile launch moves out of July. We push the mobile app to Q4, because ..." were
    both missed by the 1.5B model, and its "Launch the mobile app in July" stayed in the notes."""
    segs = segments([("Nadia", "The plan is to ship the tablet app in May."),
                     ("Lena", "Then let's look again at what we said on Monday. The reporting work comes first: "
                              "exports and alerts are next."),
                     ("Lena", "So the tablet launch moves out of May. We push the tablet app to Q3, because "
                              "partners come first."),
                     ("Omar", "So we move to the next item."),
                     ("Pia", "Okay. But Friday first, because Friday comes first.")])  # fmt: skip
    assert said.decided(segs) == [
        "The reporting work comes first: exports and alerts are next",
        "The tablet launch moves out of May; we push the tablet app to Q3, because partners come first"]
    notes = Notes()
    notes.merge(parse_extraction("DECISION: Ship the tablet app in May"), segs[:1], sources(segs))
    notes.merge([], segs[1:], sources(segs), segs[:1])
    assert [i.text for i in notes.items if i.kind == "decision"] == [
        "The tablet launch moves out of May; we push the tablet app to Q3, because partners come first",
        "The reporting work comes first: exports and alerts are next"], notes.render()


def test_a_decision_concluded_in_whisper_s_words_is_found() -> None:
    """`make demo`'s ASR: "Good, then the startup fix go into the release." (said: "goes into")."""
    segs = _unlabelled("Good, then the startup fix go into the release. Tom, can you write a short summary "
                       "on the feedback for the team?")  # fmt: skip
    assert said.decided(segs) == ["The startup fix go into the release"]
    notes = Notes()  # and the check that a decision is said as one takes Whisper's words too (stop 18's demo)
    notes.merge([], segs, sources(segs))
    assert [i.text for i in notes.items if i.kind == "decision"] == ["The startup fix go into the release"]
    # Stop 19's demo heard "Good, then" as "Look, then", across two committed fragments.
    segs = _unlabelled("Look, then the startup", "fix go into the release. Tom, can you write a short summary "
                       "on the feedback for the team?")  # fmt: skip
    assert said.decided(segs) == ["The startup fix go into the release"]
    assert said.decided(_unlabelled("And, then the budget goes to marketing.")) == []  # a conjunction opens nothing


def test_a_model_fact_that_only_agrees_to_a_date_is_dropped() -> None:
    segs = _unlabelled("If we move the release by two weeks, we would launch on March 24.",
                       "March 24 works for me. I can move the campaign.")  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("FACT: March 24 works for me\nFACT: The launch would be on March 24"),
                         segs, sources(segs))
    assert notes.items and not any("works for me" in i.text for i in notes.items)
    assert report.dropped_ungrounded == ["fact: March 24 works for me (nothing said about its figure)"]


def test_a_shorter_fact_is_pruned_only_when_the_longer_one_says_all_of_it() -> None:
    """What the longer fact does not say stays: another day, a negation, a figure updated later."""
    longer = Item("fact", "The venue deposit of 500 euros is due by Monday, Omar says", first_seq=1, updated_seq=1)

    def kept(text: str, updated: int = 1) -> bool:
        notes = Notes([longer, Item("fact", text, first_seq=updated, updated_seq=updated)])
        notes._prune_restated()
        return len(notes.items) == 2

    assert not kept("The venue deposit of 500 euros is due by Monday")  # all of it in the longer one
    assert kept("The venue deposit of 500 euros is due Friday")  # another day
    assert kept("The venue deposit is not 500 euros")  # a negation the longer one does not make
    covers = Item("fact", "Finance says the budget only covers four interns this summer, not six", updated_seq=1)
    later = Item("fact", "The budget covers six interns after all", updated_seq=5)
    notes = Notes([covers, later])
    notes._prune_restated()
    assert notes.items == [covers, later]  # the later figure is not pruned by the older sentence holding "six"


def test_a_task_nobody_owns_that_restates_a_decision_is_the_decision() -> None:
    """Stop 23's `make demo`: "(owner unclear): Move the release date (due March 24)" beside the decision."""
    decision = Item("decision", "Move the release date from March 10 to March 24")
    twice = Item("action", "Move the release date", due="March 24")
    owned = Item("action", "Move the release date", owner="Sarah", due="March 24")
    other = Item("action", "Tell the customers about the new release date")
    step = Item("action", "Re-post the designer role")  # a step of a longer decision
    remote = Item("decision", "The designer role becomes remote and we re-post it")
    notes = Notes([decision, twice, owned, other, remote, step])
    notes._prune_restated()
    assert notes.items == [decision, owned, other, remote, step]  # an owner is news; so are words of its own


def test_a_title_s_full_stop_ends_no_sentence() -> None:
    """"Mrs. Okafor": the task is not cut to "Call Mrs", nor is "Dr. Patel ..." a sentence of its own."""
    segs = segments([("Rosa", "Jen, can you call Mrs. Okafor tonight about the chicken? Dr. Patel says it is fine."),
                     ("Jen", "Yeah, I will call her.")])  # fmt: skip
    assert [(t.person, t.task) for t in owners.said_tasks(segs)] == [("Jen", "Call Mrs. Okafor tonight about the chicken")]
    from stages.summarize.checks import SENTENCE_END

    assert SENTENCE_END.split("Call Mrs. Okafor. Then Dr. Patel? Yes!") == ["Call Mrs. Okafor.", "Then Dr. Patel?", "Yes!"]


def test_no_leads_a_fact_only_as_an_interjection() -> None:
    """"No more drop-in ..." keeps its "No" (without it the fact says the opposite); "No, wait, sorry,"
    is a lead-in, not part of the fact."""
    segs = segments([("Omar", "Yeah, okay, let's do it. No more drop-in for the teens, they sign up for fixed "
                              "two-hour shifts."),
                     ("Jen", "No, wait, sorry, the Okafor wedding has a hundred and forty-eight guests, all in.")])  # fmt: skip
    assert [f.text for f in said.stated(segs)] == [
        "No more drop-in for the teens, they sign up for fixed two-hour shifts",
        "The Okafor wedding has a hundred and forty-eight guests, all in"]  # fmt: skip


def test_a_condition_is_no_fact_and_fillers_do_not_lead_one() -> None:
    segs = segments([("Kath", "It was, like, eighty-four degrees in there last Thursday. If I've got kids doing "
                              "two-hour shifts in there in July, that's a problem."),
                     ("Jen", "So um, we found twelve open issues in the booking app last week.")])  # fmt: skip
    assert [f.text for f in said.stated(segs)] == ["It was, like, eighty-four degrees in there last Thursday",
                                                   "We found twelve open issues in the booking app last week"]


def test_a_task_inside_a_condition_is_not_taken() -> None:
    segs = segments([("Tariq", "They fit if I take the shelves out. I did it for the Christmas party."),
                     ("Rosa", "If nobody else can, I will book the van for Friday.")])  # fmt: skip
    assert [(t.person, t.task, t.due) for t in owners.said_tasks(segs)] == [("Rosa", "Book the van", "Friday")]


def test_let_s_go_with_settles_and_an_amount_named_first_is_a_key_fact() -> None:
    """From the hand-written catering meeting: a decision said as "let's just go with ...", and an amount
    whose noun comes before it ("The balance is four thousand two hundred"); "let's move on" settles
    nothing and "the price is right" states no amount."""
    segs = segments([("Rosa", "Okay, let's just go with the second one, coffee and pastries only at the market, "
                              "no hot food."),
                     ("Rosa", "Okay, let's move on to the budget."),
                     ("Bev", "The balance is four thousand two hundred, that's due before the event."),
                     ("Jen", "Honestly the price is right for what they get.")])  # fmt: skip
    assert said.decided(segs) == ["Let's just go with the second one, coffee and pastries only at the market, "
                                  "no hot food"]
    assert [f.text for f in said.stated(segs)] == ["The balance is four thousand two hundred, that's due before the "
                                                   "event"]


def test_what_the_meeting_does_not_know_yet_is_open_and_a_day_of_a_month_is_a_date() -> None:
    """From the hand-written library and catering meetings: "we just don't know if ...", "X hasn't told
    us if ..." leave a question open ("I don't know if that's right" does not); "the twenty-first of
    June" is a calendar date."""
    segs = segments([("Denise", "So we just don't know if the air conditioning in the teen room gets fixed before "
                                "July. That stays open."),
                     ("Jen", "One thing I still don't have. Lakeview hasn't told us if we can use sterno under the "
                             "chafing dishes."),
                     ("Jen", "I don't know if that's right, honestly."),
                     ("Denise", "The summer reading kickoff is Saturday the twenty-first of June.")])  # fmt: skip
    assert said.left_open(segs) == ["Whether the air conditioning in the teen room gets fixed before July",
                                    "Whether we can use sterno under the chafing dishes"]
    assert [f.text for f in said.stated(segs)] == ["The summer reading kickoff is Saturday the twenty-first of June"]
    notes = Notes()
    notes.merge([], segs, sources(segs))
    assert [i.kind for i in notes.items].count("open") == 2


def test_a_question_said_to_be_unknown_first_or_last_is_open_and_a_guess_is_not() -> None:
    """Forms the read meetings left open and the model did not note (stop 38): "we genuinely can't say
    yet if ...", "haven't told me whether ...", "we'll have to see what ...", a question put first and
    then said to be unknown, "X is still an open question". A speaker's own "I don't know if that's right"
    and a whether-clause that is settled are not open."""
    segs = segments([("Declan", "Nobody can tell me till they've opened it up, so we genuinely can't say yet if the "
                                "lift needs a new motor."),
                     ("Gareth", "The Fairlie family still haven't told me whether visitors can take photos of the "
                                "quilt."),
                     ("Raj", "We'll have to see what the vet board says about the complaint."),
                     ("Ravi", "Whether the superintendent will actually talk to us on the record, I don't know."),
                     ("Nadia", "Not yet. A credit for Harbour is still an open question."),
                     ("Jen", "I don't know if that's right, honestly."),
                     ("Ann", "Whether it rains or not, the fair goes ahead.")])  # fmt: skip
    assert said.left_open(segs) == ["Whether the lift needs a new motor",
                                    "Whether visitors can take photos of the quilt",
                                    "What the vet board says about the complaint",
                                    "Whether the superintendent will actually talk to us on the record",
                                    "A credit for Harbour"]  # fmt: skip
    notes = Notes()
    notes.merge([], segs, sources(segs))
    assert [i.kind for i in notes.items].count("open") == 5


def test_a_decision_said_settled_or_from_now_on_is_noted_in_its_words() -> None:
    """Read meetings' decisions the model did not note (stop 38): "so that's decided then, X", "So from now
    on X". A "so" that changes nothing ("So we keep getting tickets") is none."""
    segs = segments([("Niamh", "Okay, so that's decided then, the cladding is the fibre cement, not the timber."),
                     ("Gail", "Then switch it on. So from now on every safe-place delivery gets a photo."),
                     ("Ann", "So we keep getting tickets about the printer.")])  # fmt: skip
    assert said.decided(segs) == ["The cladding is the fibre cement, not the timber",
                                  "From now on every safe-place delivery gets a photo"]  # fmt: skip


HALL = [
    ("Ines", "The Lindqvists booked the hall for their anniversary dinner, on the twelfth."),
    ("Ola", "So, numbers. Registrations closed at sixty, then a late batch came in."),
    ("Ines", "Sorry, to be exact, we're at seventy-two attendees, all in."),
    ("Ola", "The remainder due to the venue is nine hundred euros, payable after the event."),
    ("Ines", "For the main dish we settled on the mushroom risotto, the caterer suggested it."),
]


@contextmanager
def _stored(path: Path, lines: list[tuple[str, str]]) -> Iterator[tuple[SessionStore, list[Segment]]]:
    """A meeting's lines stored in a session at `path`, and its segments (the window)."""
    segs = segments(lines)
    with SessionStore(path, "t") as s:
        for seg in segs:
            s.add_segment(seg)
        yield s, segs


@pytest.fixture
def hall(tmp_path: Path):
    """The HALL meeting stored, and its segments (the window)."""
    with _stored(tmp_path / "hall.sqlite", HALL) as stored:
        yield stored


def test_a_question_about_something_never_named_is_not_answered_by_something_near_it(hall) -> None:
    """The 1.5B model answered a never-discussed "Which wine ...?" with the meeting's main dish."""
    s, segs = hall
    never = answers.ground("Which wine was chosen for the dinner?", "The wine chosen was the mushroom risotto.",
                           sources(segs), s, (), segs)  # fmt: skip
    assert never.text.startswith(NOT_DISCUSSED) and '"wine"' in never.text and not never.shown_as_generated
    # Even when a passage holds the rest of the question and the reply: "What budget was approved for the
    # campaign?" of a meeting that never said "budget" got the campaign's date (the 1.5B model, demo).
    dish = answers.ground("Which wine was chosen for the main dish?", "The main dish is the mushroom risotto.",
                          sources(segs), s, (), segs)  # fmt: skip
    assert dish.text.startswith(f'{NOT_DISCUSSED} It never mentions "wine". The closest: [')
    assert "mushroom risotto" in dish.text and len(dish.citations) == 1 and not dish.shown_as_generated
    # Named in part ("the main dish"), or asked in a form that names no subject: the reply stands.
    main = answers.ground("What is the main course?", "The main course is the mushroom risotto.",
                          sources(segs), s, (), segs)  # fmt: skip
    assert main.shown_as_generated
    assert answers.focus("Who is the new treasurer?") == ["treasurer"]
    assert answers.focus("Why did the hall change?") == []
    # A subject the meeting does name is not judged this way, whatever the reply.
    assert answers.unmentioned("Which hall was booked?", s) == []


def test_a_detail_nobody_said_is_cut_from_the_end_of_an_answer(hall) -> None:
    """"... on Saturday, July 12th, at 9:00 AM." of a meeting that said "Saturday July 12th ... Nine till
    three" (the 1.5B model): the date stands, the invented hour goes."""
    s, segs = hall
    got = answers.ground("How many attendees are coming?", "Seventy-two attendees are coming, with 14 on the waitlist.",
                         sources(segs), s, (), segs)  # fmt: skip
    assert got.shown_as_generated and got.text == "Seventy-two attendees are coming."
    # The unfounded figure is the answer itself: nothing to keep, the reply is not shown as fact.
    wrong = answers.ground("How many attendees are coming?", "Eighty-one attendees are coming, all in.",
                           sources(segs), s, (), segs)  # fmt: skip
    assert not wrong.shown_as_generated and "81" in wrong.why


MARKET = [
    ("Rosa", "Okay, Sunday. The market. Honestly, I'm tempted to just skip it this week."),
    ("Jen", "Two options. One, we skip and lose the stall fee. Two, just coffee and pastries, me and Bev run it."),
    ("Rosa", "Okay, let's just go with the second one, coffee and pastries only at the market, no hot food."),
    ("Denise", "Because of the carpet we're not in the community room, the book sale goes out on the lawn."),
]


def test_a_decision_or_a_reason_said_in_so_many_words_overrules_a_reply_that_misses_it(tmp_path: Path) -> None:
    """The 1.5B model answered with the option floated first ("skip the Sunday market") and with what
    follows from the reason ("because it is outside on the front lawn"); the lines say otherwise."""
    with asking(tmp_path, MARKET) as ask:
        got = ask("What did they decide for the Sunday market?", "They decided to skip the Sunday market this week.")
        assert got.text.startswith("Let's just go with the second one, coffee and pastries only at the market")
        assert not got.shown_as_generated and got.citations[0].seq == 2
        # A reply that says the decision stands.
        assert ask("What did they decide for the Sunday market?", "Coffee and pastries only.").shown_as_generated
        why = ask("Why is the book sale not in the community room?", "Because it is outside on the lawn.")
        assert why.text.startswith("Because of the carpet we're not in the community room") and why.citations[0].seq == 3
        assert ask("Why is the book sale not in the community room?", "The carpet is being redone.").shown_as_generated
        # A reason that names only part of what is asked is no answer to it.
        assert ask("Why was the stall fee dropped?", "Because of the rain.").text != why.text


STAFF = [
    ("Rosa", "Okay, staff for Saturday. Jen, how are we doing on servers?"),
    ("Jen", "So I've got six confirmed, and for a plated dinner that size I really want eight."),
    ("Rosa", "Who's baking the pastries, though?"),
    ("Rosa", "Me, Saturday night, after the wedding. Don't look at me like that."),
    ("Omar", "Not out of the three hundred, no. If you want shirts, ask the Friends separately."),
    ("Mei", "Okay, I'll ask them."),
    ("Kath", "Homework help stays the same, Monday and Wednesday afternoons."),
]


def test_right_replies_to_questions_asked_other_ways_stand(tmp_path: Path) -> None:
    """Twenty dev questions written after the checks were tuned: the 1.5B model was right on 14 of 16
    answerable ones, and the checks turned five of those into "not discussed"."""
    with asking(tmp_path, STAFF) as ask:
        # A figure is a word of the reply's own, and a count given in answer to a question naming the thing counts it.
        assert ask("How many servers are confirmed for Saturday?", "Six confirmed servers for Saturday.").shown_as_generated
        # The question's own words are not people the answer adds ("Homework" opening the reply).
        assert ask("When is homework help this summer?", "Homework help is on Monday and Wednesday afternoons."
                   ).shown_as_generated  # fmt: skip
        # A speaker's short reply takes up the line before it.
        assert ask("Who will ask the Friends about shirts?", "Mei will ask the Friends about shirts.").shown_as_generated
        # A first-person reply is the speaker of the line it copies.
        got = ask("Who's baking the pastries?", "Me, Saturday night, after the wedding.")
        assert got.text.startswith('Rosa ([00:30.0] Rosa: "Me, Saturday night') and got.citations[0].seq == 3
        # Still refused: a figure no line gives the thing, a person no line ties to it.
        assert not ask("How many servers are confirmed for Saturday?", "Seven servers are confirmed.").shown_as_generated
        assert not ask("Who will ask the Friends about shirts?", "Kath will ask the Friends about shirts."
                       ).shown_as_generated  # fmt: skip


def test_the_decision_that_names_most_of_what_is_asked_answers_it(tmp_path: Path) -> None:
    """At the demo's end both decisions name the release: the one about its date answers the date."""
    segs = _unlabelled("We have decided to move the release date from March 10 to March 24.",
                       "Good, then the startup fix goes into the release.")  # fmt: skip
    with SessionStore(tmp_path / "d.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        kept = answers.ground("What was decided about the release date?", "It moved to March 24.", sources(segs), s,
                              (), segs)  # fmt: skip
        assert kept.shown_as_generated and kept.text == "It moved to March 24."
        fixed = answers.ground("What was decided about the release date?", "The release date stays.", sources(segs),
                               s, (), segs)  # fmt: skip
        assert fixed.text.startswith("Move the release date from March 10 to March 24 ([00:00.0]")


def test_a_name_the_question_gives_needs_no_line_of_its_own(hall) -> None:
    """"How much do the Okafors still owe?" rests on "The balance is ...", which does not name them."""
    s, segs = hall
    got = answers.ground("How much do the Lindqvists still owe the venue?",
                         "The Lindqvists still owe nine hundred euros.", sources(segs), s, (), segs)  # fmt: skip
    assert got.shown_as_generated
    # A name the answer adds must still be tied to what it says.
    other = answers.ground("How much do the Lindqvists still owe the venue?",
                           "Ines owes the venue nine hundred euros.", sources(segs), s, (), segs)  # fmt: skip
    assert not other.shown_as_generated and "ines" in other.why


def test_a_figure_nobody_said_is_replaced_by_the_line_that_counts_the_thing(hall) -> None:
    s, segs = hall
    got = answers.ground("How many attendees are coming to the workshop?", "Sixty-four attendees are coming.",
                         sources(segs), s, (), segs)  # fmt: skip
    assert not got.shown_as_generated and "64" in got.why
    assert got.text.startswith("72 attendees ([00:20.0]") and got.citations[0].seq == 2
    # No line counts what was asked: the closest line, declined, as before.
    none = answers.ground("How many chairs are needed?", "Forty chairs are needed.", sources(segs), s, (), segs)
    assert not none.shown_as_generated and not none.text[0].isdigit()


DRAFT = [
    ("Helen", "The submission deadline moved to May twenty-second."),
    ("Helen", "Still, I want a full draft by May eighth, so we have two weeks to polish."),
    ("Lucia", "The baseline numbers in the draft are from the old code."),
    ("Lucia", "I'll re-run the baseline with the fixed code by Thursday."),
    ("Elena", "For the summer, the plan was six interns, two per team."),
    ("Priya", "I have to correct that. The budget only covers four interns this summer, not six."),
    ("Marcus", "The base salary offer is a hundred and fifty thousand, the bottom of the band."),
    ("Marcus", "Our interview questions haven't changed in two years."),
]


def test_an_unanswered_figure_or_date_is_read_off_the_line_that_gives_it(tmp_path: Path) -> None:
    """The 1.5B model abstained on five answerable dev questions whose closest line held the answer ("I
    want a full draft by May eighth"), and answered a when-question without a time. The line's date or
    figure is shown with the line; a figure later corrected gives the correction's, even when the
    correction repeats the old figure ("four interns this summer, not six")."""
    segs = segments(DRAFT)
    with SessionStore(tmp_path / "draft.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)

        def ask(question: str, reply: str = "That was not discussed.") -> answers.Grounded:
            return answers.ground(question, reply, sources(segs), s, (), segs)

        assert ask("When is the full draft due to Helen?").text.startswith('May eighth ([00:10.0] "Still, I want')
        got = ask("When will the baseline be re-run?", "The baseline numbers in the draft are from the old code.")
        assert got.text.startswith("Thursday ([00:30.0]") and not got.shown_as_generated
        assert ask("How many interns will the team take this summer?").text.startswith("4 interns ([00:50.0]")
        assert ask("What base salary is offered?").text.startswith("150,000 ([01:00.0]")
        # A line that counts the thing but says nothing else the question asks: no answer read off it.
        assert ask("How many years of experience does Ravi have?").text.startswith(NOT_DISCUSSED)
        # A question that names nothing but the thing counted needs nothing more.
        assert ask("How many interns were there?").text.startswith("4 interns (")
        # A reply that failed a check is read off the line the same way.
        got = ask("When is the full draft due?", "The full draft is due on May 30th.")
        assert got.text.startswith("May eighth (") and "30" in got.why
        # A when-answer with a time stands.
        assert ask("When is the submission deadline?", "The deadline is May twenty-second.").shown_as_generated
    assert answers.when_in("It moved to May twenty-second.") == "May twenty-second"
    assert answers.when_in("Let's meet next Friday morning then.") == "next Friday morning"
    assert answers.when_in("by the end of the month") == "the end of the month"
    assert answers.when_in("right after his notice period") == ""
    assert answers.when_in("We have decided to move the release date from March 10 to March 24.") == "March 24"
    assert answers.when_in("Let's aim for noon.") == "noon" and answers.when_in("first things first") == ""


def test_two_tasks_written_as_one_and_a_due_said_away_from_its_task() -> None:
    """Stop 21's `make demo`, as recorded: the 1.5B model wrote the recap as one decision ("Move the
    campaign and share the pilot summary on Monday"), and gave "Move the campaign" the Monday of Tom's
    feedback summary, said a minute away from any mention of the campaign."""
    assert owners.split_task("Move the campaign and share the pilot summary") == [
        "Move the campaign", "Share the pilot summary"]
    assert owners.split_task("Fix the payment screen and the login page") == ["Fix the payment screen and the login page"]
    segs = _unlabelled("Hi Tom.", "I can move the campaign, that is fine.", "The pilot went well.",
                       "Tom, can you write a short summary on the feedback?", "Sure, I will share it on Monday.")  # fmt: skip
    assert checks.dated_with("Write a short summary on the feedback", "Monday", segs)  # said in the reply
    assert not checks.dated_with("Move the campaign", "Monday", segs)
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Tom | Move the campaign | Monday"), segs, sources(segs))
    assert [(i.text, i.due) for i in notes.items if "campaign" in i.text] == [("Move the campaign", "")]
    assert "Move the campaign (due Monday)" in report.dues_dropped
    recap = _unlabelled("Hi Tom.", "Tom will move the campaign and share the pilot summary on Monday.")
    notes = Notes()
    notes.merge(parse_extraction("DECISION: Move the campaign and share the pilot summary on Monday"), recap,
                sources(recap))  # fmt: skip
    assert sorted((i.owner, i.text, i.due) for i in notes.items) == [
        ("Tom", "Move the campaign", ""), ("Tom", "Share the pilot summary", "Monday")]


def test_a_said_task_is_not_the_task_its_lines_give_someone_else() -> None:
    """Stop 21's demo recap, misheard ("and end the plan" for "and send the plan"): David's clause shares
    "plan" and "migration" with Sarah's test plan, which her own clause gives her; it stays hers and
    David's task is listed."""
    segs = _unlabelled("Hi Sarah, hi David.", "I will fix the payment issues first, and I will write a test plan",
                       "for the migration by next Wednesday.", "Thank you, Sarah.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Sarah | Write a test plan for the migration | next Wednesday"), segs,
                sources(segs))  # fmt: skip
    recap = [Segment("t", 10 + i, text, 40.0 + 3 * i, 42.0 + 3 * i, ()) for i, text in enumerate((
        "David owns the database migration and end the plan by Friday.",
        "Sarah will fix the payment issues and write the test plan by Wednesday."))]  # fmt: skip
    notes.merge([], recap, sources([*segs, *recap]), segs)
    got = {(i.owner, i.text) for i in notes.items if i.kind == "action"}
    assert ("Sarah", "Write a test plan for the migration") in got
    # Two tasks: a word between "and" and "the plan" is a verb, known or not (stop 25's demo lost the
    # migration when the clause stayed one task and matched the model's "End the plan").
    assert {("David", "Own the database migration"), ("David", "End the plan")} <= got


def test_a_task_that_is_only_a_verb_and_a_pronoun_is_not_listed() -> None:
    """Stop 22's `make demo`: "Sarah | Take it myself" from "Sarah's team is busy with testing, so I will
    take it myself" (David's words); a pronoun names nothing a reader could act on."""
    segs = _unlabelled("Now, who will own the database migration?",
                       "Sarah's team is busy with testing, so I will take it myself.")  # fmt: skip
    notes = Notes()
    report = notes.merge(parse_extraction("ACTION: Sarah | Take it myself | none"), segs, sources(segs))
    assert [i for i in notes.items if i.kind == "action"] == []
    assert "action: Take it myself (names nothing to do)" in report.dropped_ungrounded
    assert not owners.names_nothing("Take the database migration myself")
    # Nor a verb with only people and particles: side remarks the 1.5B model listed as tasks (read meetings,
    # stop 35: 17 such lines of 648 in the final notes, no gold fact among them).
    for remark in ("Correct that with him", "Chase him", "Take back what I said", "Let her know"):
        assert owners.names_nothing(remark), remark
    for task in ("Chase Tomasz", "Dump it in the channel", "Back up the database", "Send it to her by Friday",
                 "Deploy", "Follow up", "Call her at 3"):  # fmt: skip
        assert not owners.names_nothing(task), task


def test_a_figure_the_meeting_gave_another_thing_is_not_the_count(tmp_path: Path) -> None:
    """smollm2 asked "How many guests are coming?" on the catering dev meeting: "Three hundred and fifty
    guests are coming", the van's day rate; the meeting counted 148 guests."""
    lines = [("Jen", "So it's a hundred and forty-eight wedding guests, all in."),
             ("Tariq", "The van is three hundred and fifty for the day."),
             ("Rosa", "Three hundred and fifty bucks for one day is silly.")]  # fmt: skip
    segs = segments(lines)
    with SessionStore(tmp_path / "van.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        got = answers.ground("How many guests are coming?", "Three hundred and fifty guests are coming.",
                             sources(segs), s, (), segs)  # fmt: skip
        assert not got.shown_as_generated and "350 guests" in got.why
        assert got.text.startswith("148 wedding guests ([00:00.0]")
        right = answers.ground("How many guests are coming?", "FACT: A hundred and forty-eight guests are coming.",
                               sources(segs), s, (), segs)  # fmt: skip
        assert right.shown_as_generated and right.text == "A hundred and forty-eight guests are coming."


def test_a_count_said_after_the_counted_word_is_the_count(tmp_path: Path) -> None:
    """The 1.5B model answered "How many seats are there in the hall per show?" (theatre meeting, after
    eviction) with "Ninety-six seats per show." from "the hall seats ninety-six": a figure after the word
    it counts is the meeting's too; a figure said of another thing still is not."""
    lines = [("Colm", "So, with the tech desk in at the back, the hall seats ninety-six. Ninety-six a night."),
             ("Ruth", "Three hundred and eighty-four seats over the four shows.")]  # fmt: skip
    segs = segments(lines)
    with SessionStore(tmp_path / "hall.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        got = answers.ground("How many seats are there in the hall per show?", "Ninety-six seats per show.",
                             sources(segs), s, (), segs)  # fmt: skip
        assert got.shown_as_generated, got.why
        wrong = answers.ground("How many seats are there in the hall per show?", "Four seats per show.",
                               sources(segs), s, (), segs)  # fmt: skip
        assert not wrong.shown_as_generated


def test_a_person_who_takes_up_a_task_in_a_retrieved_exchange_is_tied_to_it(tmp_path: Path) -> None:
    """Asked after eviction "Who is fetching the lighting desk before the get-in?", the 1.5B model
    answered Colm from passages where Ned names the lighting desk and Colm says "I'll collect the desk";
    no single line holds two of the answer's words, the exchange does. A speaker of the same passages
    whose words take up nothing of the claim is not tied."""
    lines = [("Ned", "Graham, up at the community school, is lending us their lighting desk again."),
             ("Harriet", "God bless Graham."),
             ("Ned", "But somebody has to go and collect it from the school."),
             ("Colm", "I'll collect the desk from Graham on the Saturday, the day before the get-in."),
             ("Aggie", "Lovely, I'll bring biscuits."),
             ("Ruth", "The tickets go live on Monday.")]  # fmt: skip
    segs = segments(lines)
    with SessionStore(tmp_path / "desk.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        window = segs[5:]
        passages = (Citation(1, segs[0].start, segs[2].end, " ".join(x.text for x in segs[0:3])),
                    Citation(4, segs[3].start, segs[4].end, " ".join(x.text for x in segs[3:5])))  # fmt: skip
        srcs = sources(window)
        for p in passages:  # as the summarizer adds a passage: its words and its speakers
            srcs.add(p.text + " " + " ".join(x.speaker for x in segs if p.start <= x.start and x.end <= p.end))
        question = "Who is fetching the lighting desk before the get-in?"
        got = answers.ground(question, "Colm is fetching the lighting desk.", srcs, s, passages, window)
        assert got.shown_as_generated, got.why
        other = answers.ground(question, "Aggie is fetching the lighting desk.", srcs, s, passages, window)
        assert not other.shown_as_generated and "aggie" in other.why


def test_a_who_answer_agrees_with_the_owner_the_notes_give_the_task(tmp_path: Path) -> None:
    """The 1.5B model answered "Who is running the orientation for the new teens?" with Mei (asked about
    the teens) while the notes had "Kath: Do the orientation" from Kath's own turn; the answer gives the
    notes' owner and quotes the line that names them with the task."""
    lines = [("Mei", "The new teens start next week, so we need someone for their orientation."),
             ("Kath", "I'll do it. I've got the orientation, Saturday the fourteenth."),
             ("Mei", "Great. I'll make the sign-up form for the teens.")]  # fmt: skip
    segs = segments(lines)
    owned = [("Kath", "Do the orientation"), ("Mei", "Make the sign-up form for the teens")]
    with SessionStore(tmp_path / "teens.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        got = answers.ground("Who is running the orientation for the new teens?",
                             "Mei is running the orientation for the new teens.", sources(segs), s, (), segs, owned)  # fmt: skip
        assert not got.shown_as_generated and got.text.startswith('Kath ([00:10.0] "I\'ll do it.'), got.text
        same = answers.ground("Who is running the orientation?", "Kath is running it.", sources(segs), s, (), segs, owned)
        assert same.text == "Kath is running it."
        # A question about something no task of the notes names is left to the other checks.
        other = answers.ground("Who is bringing the snacks?", "Mei is bringing the snacks.", sources(segs), s, (), segs,
                               owned)  # fmt: skip
        assert "kath" not in other.text.lower()


def test_a_sentence_of_many_fragments_is_quoted_whole_from_its_last_fragment(tmp_path: Path) -> None:
    """Stop 22's `make demo` cited "[01:37.3] to move the release date from March 10 to March 24." beside
    the whole sentence: looking three fragments back from "24." started the sentence at its second one."""
    parts = ["Okay, then let's make it official.", "We have decided", "to move the release", "date from March",
             "10 to March", "24."]  # fmt: skip
    segs = [Segment("t", i, text, 2.0 * i, 2.0 * i + 1.5, (Word(text.split()[0], 2.0 * i, 2.0 * i + 1.5, 0.9),))
            for i, text in enumerate(parts)]  # fmt: skip
    with SessionStore(tmp_path / "frag.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        whole = answers._whole_sentence(Citation(5, 10.0, 11.5, "24."), s)
    assert whole.text == "We have decided to move the release date from March 10 to March 24." and whole.start == 2.0


def test_a_date_is_read_only_from_the_sentence_that_names_the_thing(tmp_path: Path) -> None:
    """A long utterance of the library dev meeting dates the summer reading kickoff and names the book sale
    in another sentence: "When is the summer book sale?" is not answered with the kickoff's date."""
    segs = segments([("Denise", "Summer is basically here. The summer reading kickoff is Saturday the twenty-first. "
                                "The book sale needs tents again.")])  # fmt: skip
    with SessionStore(tmp_path / "sale.sqlite", "t") as s:
        for seg in segs:
            s.add_segment(seg)
        got = answers.ground("When is the summer book sale?", "It was not discussed.", sources(segs), s, (), segs)
    assert got.text.startswith(NOT_DISCUSSED)


def test_a_statement_copied_as_an_open_question_is_not_open() -> None:
    """Stop 23's `make demo`: the model listed a statement, agreed on the next line, as an open question
    (it shares two words with an earlier question); a question asked, or one left open, stays."""
    segs = _unlabelled("Now, who will own the database migration? We need one person for it.",
                       "One more thing, the migration will need roughly 2 hours of downtime, so we should do it on a Saturday.",
                       "Yes, agreed.", "Are we keeping the premium plan at $10 a month?",
                       "We have not decided the support window yet.")  # fmt: skip
    assert not checks.is_raised("One more thing, the migration will need roughly 2 hours of downtime, so we should do "
                                "it on a Saturday", segs)  # fmt: skip
    assert checks.is_raised("Are we keeping the premium plan at $10 a month?", segs)
    assert checks.is_raised("Who will own the database migration?", segs)
    assert checks.is_raised("The support window", segs)  # left open in so many words


def test_counting_the_agenda_is_the_running_order_not_a_fact() -> None:
    """"We have three things to cover today" (Whisper: "... to convert a name") is no key fact."""
    for said_ in ("We have three things to convert a name, the release date and the migration",
                  "So we've got two topics today", "There are four items on the agenda"):  # fmt: skip
        assert checks.AGENDA.match(said_), said_
    assert not checks.AGENDA.match("We have 12 open issues, three of them serious")
    segs = _unlabelled("Good morning. We have three things to cover today, the release date and the migration.",
                       "We found 12 open issues last week.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("FACT: We have three things to cover today, the release date and the migration\n"
                                 "FACT: We found 12 open issues last week"), segs, sources(segs))  # fmt: skip
    assert [i.text for i in notes.items] == ["We found 12 open issues last week"]


def test_a_task_asked_for_and_accepted_in_other_words_is_one_task() -> None:
    """Stop 23's `make demo`: "Tom, can you write a short summary ...?" / "Sure, I will share it on Monday"
    gave "Write a short summary ..." and "Share the feedback" (due Monday), both on the request: one task.
    Two tasks a statement gives one person stay two."""
    segs = _unlabelled("Thank you, Sarah. Tom, what about the pilot feedback?", "Most of them liked the new search page.",
                       "Good. Tom, can you write a short summary on the feedback for the team?", "Sure, I will share",
                       "the feedback on Monday.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Tom | Write a short summary on the feedback for the team | none\n"
                                 "ACTION: Tom | Share the feedback | Monday"), segs, sources(segs))  # fmt: skip
    assert [(i.owner, i.text, i.due) for i in notes.items] == [
        ("Tom", "Write a short summary on the feedback for the team", "Monday")]
    segs = _unlabelled("David will take the database migration.", "David, please send a plan for the migration to the team by Friday.")
    notes = Notes()
    notes.merge(parse_extraction("ACTION: David | Take the database migration | none\n"
                                 "ACTION: David | Send a plan for the migration to the team | Friday"), segs, sources(segs))  # fmt: skip
    assert [(i.owner, i.text, i.due) for i in notes.items] == [
        ("David", "Take the database migration", ""), ("David", "Send a plan for the migration to the team", "Friday")]



def test_a_recap_restating_a_task_in_other_words_is_the_same_task() -> None:
    """Stop 24's `make demo`: the recap's "Tom will ... share the pilot summary on Monday" was listed beside
    "Write a short summary on the feedback for the team (due Monday)". One person's tasks due the same
    day naming the same thing are one; sharing only a verb ("Send the invoice", "Send the agenda") keeps
    them apart."""
    segs = _unlabelled("Tom, can you write a short summary on the feedback for the team?", "Sure, I will share it on Monday.")
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Tom | Write a short summary on the feedback for the team | Monday"), segs,
                sources(segs))  # fmt: skip
    recap = [Segment("t", 10, "So, to summarize. Tom will move the campaign and share the pilot summary on Monday.", 40.0, 44.0, ())]
    notes.merge(parse_extraction("ACTION: Tom | Share the pilot summary | Monday"), recap, sources([*segs, *recap]), segs)
    tasks = [(i.owner, i.text, i.due) for i in notes.items if i.kind == "action" and i.owner == "Tom"]
    assert ("Tom", "Write a short summary on the feedback for the team", "Monday") in tasks
    assert not any(text == "Share the pilot summary" for _, text, _ in tasks), tasks
    segs = _unlabelled("Maria, please send the invoice to the client by Friday.",
                       "And Maria, send the agenda to the board by Friday too.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Maria | Send the invoice to the client | Friday\n"
                                 "ACTION: Maria | Send the agenda to the board | Friday"), segs, sources(segs))  # fmt: skip
    assert len([i for i in notes.items if i.kind == "action"]) == 2, notes.render()


WEDDING = [
    ("Rosa", "Big week. The Okafor wedding is Saturday, and the market on Sunday."),
    ("Jen", "The wedding headcount is a hundred and forty-eight, all in."),
    ("Luis", "For the wedding we drop the short rib, the main for the wedding is the braised chicken."),
    ("Bev", "The wedding balance is four thousand two hundred, due before the event."),
    ("Rosa", "Luis, can you pick up the chairs from Party Plus on Friday?"),
    ("Luis", "Friday is braising day, for the chicken."),
    ("Tariq", "The refrigerated van is three hundred and fifty for the day."),
    ("Tariq", "I'll get them. The chairs are mine."),
    ("Tariq", "I mean... yeah. It's tight, but it works."),
    ("Rosa", "Fine. So that's a no on the van. Three hundred and fifty bucks for one day is silly, we do two runs."),
]


@pytest.fixture
def wedding(tmp_path: Path):
    """The WEDDING meeting stored, and its segments."""
    with _stored(tmp_path / "wedding.sqlite", WEDDING) as stored:
        yield stored


def test_a_thing_never_named_among_the_meeting_s_own_words_is_not_discussed(wedding) -> None:
    """Dev, stop 24: "How much does the new wedding cake cost?" of a catering meeting that says "wedding"
    all along and never "cake" got a figure from the 1.5B model. Its noun decides; a word said once names
    the thing short ("the main" for the main course) and the reply stands."""
    s, segs = wedding
    cake = answers.ground("How much does the new wedding cake cost?", "The new wedding cake costs $4,200.",
                          sources(segs), s, (), segs)  # fmt: skip
    assert cake.text.startswith(f'{NOT_DISCUSSED} It never mentions "cake".') and not cake.shown_as_generated
    assert answers.unmentioned("Who will replace the wedding florist?", s) == ["florist"]
    assert answers.unmentioned("When does the wedding truck come on Saturday?", s) == ["truck"]
    main = answers.ground("What is the main course at the wedding?", "The main course is the braised chicken.",
                          sources(segs), s, (), segs)  # fmt: skip
    assert main.shown_as_generated
    assert answers.unmentioned("How much does the refrigerated van cost?", s) == []
    # The focus of a "How much do ... still owe?" question runs into its verb: no noun to judge by.
    assert answers.unmentioned("How much do the Okafors still owe?", s) == []


def test_questions_of_paying_holding_and_taking_on_name_their_thing(wedding) -> None:
    """Read meetings, stop 39: never-discussed questions in forms that named no thing, each answered with a
    name or a figure said of something else ("What does the league pay for its insurance this year?" ->
    "sixty-five quid"; "Who has been hired as the new sommelier?" -> a chef; "Which insurer covers the
    leased vans?" -> the leasing firm). The thing's owner is no name for it ("the Okafors' caretaker")."""
    s, segs = wedding
    assert answers.focus("What does the wedding pay for its insurance?") == ["insurance"]
    assert answers.focus("How much are they spending on table flowers for the wedding?") == ["table", "flowers"]
    assert answers.focus("What's the caterer charging for the chicken now?") == ["chicken"]
    assert answers.focus("Which insurer covers the refrigerated van?") == ["insurer"]
    assert answers.focus("Which florist is doing the wedding?") == ["florist"]  # the "which ... is" form as before
    assert answers.focus("What will the new price of the chairs be?") == ["price", "chairs"]
    assert answers.focus("What are they doing about the torn marquee?") == ["torn", "marquee"]
    assert answers.focus("Who has been hired as the new sommelier?") == ["sommelier"]
    assert answers.focus("Who has the cleaning contract for the hall?") == ["cleaning", "contract"]
    assert answers.focus("Who is writing this week's menu cards?") == ["week", "menu", "cards"]
    assert answers.focus("Who's providing first aid cover at the wedding?") == ["first", "aid", "cover"]
    assert answers.focus("Who's looking after the market's stall over the weekend?") == ["market", "stall"]
    assert answers.focus("How long is the warranty on the van?") == ["warranty"]
    assert answers.focus("Who's going to call the florist?") == []  # "going to" is no "-ing" verb with an object
    # "What's still unresolved about paying for X?" asks what is open, not what X costs.
    assert answers.focus("What's still unresolved about paying for the chairs?") == []
    for question, unsaid in (("What does the wedding pay for its insurance?", ["insurance"]),
                             ("Who has been hired as the new sommelier?", ["sommelier"]),
                             ("Which insurer covers the refrigerated van?", ["insurer"]),
                             ("Who is the Okafors' new caretaker?", ["caretaker"]),
                             ("How much does the landscaping around the chicken coop cost?", ["landscaping"])):
        assert answers.unmentioned(question, s) == unsaid, question
    reply = answers.ground("What does the wedding pay for its insurance?", "The wedding pays three hundred and fifty.",
                           sources(segs), s, (), segs)  # fmt: skip
    assert reply.text.startswith(f'{NOT_DISCUSSED} It never mentions "insurance".') and not reply.shown_as_generated
    # A thing the meeting names is no verdict: the van's day rate stands.
    assert answers.unmentioned("How much are they paying for the refrigerated van?", s) == []


def test_a_generic_head_or_a_word_about_the_answer_is_no_sign_the_thing_went_unsaid(wedding) -> None:
    """Read meetings, stop 39: answerable questions declined as never discussed for a word the meeting had no
    need to say: a head speakers leave off ("the staging environment" said "staging"), a word about the
    answer ("the correct total", "Which supplier ...?", "... together now?"). A thing's own noun unsaid is
    still not discussed."""
    s, segs = wedding
    assert answers.unmentioned("When is the wedding delivery?", s) == []  # "delivery": a head left off
    assert answers.unmentioned("What was decided about the wedding system?", s) == []
    assert answers.unmentioned("What's the correct wedding balance?", s) == []
    assert answers.unmentioned("Who's putting the wedding chairs together now?", s) == []
    assert answers.focus("Which supplier will the chairs come from?") == []
    assert answers.unmentioned("When is the wedding cake coming?", s) == ["cake"]  # "coming" is no noun
    assert answers.unmentioned("When is the compost delivery coming?", s) == ["compost", "delivery"]
    assert answers.unmentioned("When are the chairs arriving now?", s) == []
    assert answers.unmentioned("When is the wedding's delivery coming?", s) == []  # an owner and a generic head
    assert answers.focus("Which chef covers shifts this week?") == []  # "this week" is no determiner of a thing


def test_more_question_forms_name_their_thing(wedding) -> None:
    """Read meetings, stop 35: the 1.5B model answered never-discussed questions whose form named no thing
    ("What was decided about dark mode?" -> "The meeting decided to use dark mode."; "Who designed the
    station's new logo?")."""
    s, segs = wedding
    assert answers.focus("What was decided about dark mode?") == ["dark", "mode"]
    assert answers.unmentioned("What was decided about dark mode?", s) == ["dark", "mode"]
    assert answers.focus("What did they decide about the van?") == ["van"]
    assert answers.unmentioned("What did they decide about the van?", s) == []
    assert answers.focus("Who designed the station's new logo?") == ["station", "logo"]  # "new" is no search word
    assert answers.focus("Who booked the refrigerated van?") == ["refrigerated", "van"]
    # A time adverb is no part of the thing: the jetty's noun is "jetty", not "now" (stop 37).
    assert answers._focus("Who is building the jetty now?") == (["jetty"], "jetty")
    assert answers.unmentioned("Who booked the refrigerated van?", s) == []
    # A verb of saying or a light verb has no thing for its object; a possessive does not swallow "cost".
    assert answers.focus("Who said the quote was too high?") == [] and answers.focus("Who gave the update?") == []
    assert answers.focus("What is the venue's cost?") == ["venue"]
    # The thing's noun comes before what it is for or around: "landscaping around the wedding tent" is
    # landscaping; a possessive runs on ("the clinic's next fire check").
    assert answers._focus("How much does the landscaping around the wedding tent cost?")[1] == "landscaping"
    assert answers.focus("When is the clinic's next fire check?") == ["clinic", "next", "fire", "check"]
    assert answers.focus("How much will microchipping cost at the open day?") == ["microchipping"]
    # Words never said beside a rare one said ("chicken", two lines) may be the thing's name said short.
    assert answers.unmentioned("When is the chicken marinade tasting session?", s) == []


def test_a_who_question_the_model_left_unanswered_gets_the_owner_the_meeting_gives(wedding) -> None:
    """Dev, stop 24: "Who will replace Luis on the chair pickup?" -> "Luis will replace Luis on the chair
    pickup." (no answer); the notes give the chairs to Tariq, on a line naming the chairs."""
    s, segs = wedding
    got = answers.ground("Who will replace Luis on the chair pickup?", "Luis will replace Luis on the chair pickup.",
                         sources(segs), s, (), segs, [("Tariq", "Pick up the chairs from Party Plus")])  # fmt: skip
    assert got.text.startswith("Tariq (") and "The chairs are mine" in got.text and not got.shown_as_generated
    # A line naming the owner about something else is no evidence that the task is theirs.
    assert answers._naming_line("Tariq", "Book the florist", s) is None


def test_a_figure_said_again_is_not_corrected_by_it(wedding) -> None:
    """Dev, stop 24: the van's price said again beside "two runs" (and after "I mean") is no correction."""
    s, segs = wedding
    got = answers.ground("How much does the refrigerated van cost?", "The refrigerated van costs $350 for one day.",
                         sources(segs), s, (), segs)  # fmt: skip
    assert got.shown_as_generated and got.text == "The refrigerated van costs $350 for one day."


ROADMAP = [
    ("Nadia", "The big item is the tablet app. The plan is to ship it in May."),
    ("Omar", "Fine, May as the working plan for the tablet launch."),
    ("Nadia", "Our test suite takes forty minutes to run, which hurts everyone."),
    ("Omar", "And remote roles made the hiring pool much wider."),
    ("Lena", "Pia, please put the new prices on the website."),
    ("Omar", "We can't do the partner work and the tablet in May with this team."),
    ("Nadia", "So the tablet launch moves out of May. We push the tablet app to Q3, because partners come first."),
    ("Lena", "The offsite is on the ninth of October, in Lisbon."),
    ("Omar", "Our cloud bill is at seventy-eight thousand a month now."),
]


@pytest.fixture
def roadmap(tmp_path: Path):
    """The ROADMAP meeting stored, and its segments."""
    with _stored(tmp_path / "roadmap.sqlite", ROADMAP) as stored:
        yield stored


def test_a_figure_no_line_gives_the_thing_asked_about_is_not_its_answer(roadmap) -> None:
    """Test, stop 30: "How big is the bonus pool this year?" of a meeting that never spoke of a bonus got
    "... is twenty minutes." (its build time; its one "pool" was the hiring pool). A figure a line about
    the thing gives stands, however the reply words it."""
    s, segs = roadmap
    got = answers.ground("How big is the bonus pool this year?", "The bonus pool this year is forty minutes.",
                         sources(segs), s, (), segs)  # fmt: skip
    assert got.text.startswith(NOT_DISCUSSED) and not got.shown_as_generated and "40" in got.why
    # The line about the thing gives the figure, in other words ("cloud bill ... a month").
    ok = answers.ground("How much is the monthly cloud bill?", "The monthly cloud bill is $78,000.",
                        sources(segs), s, (), segs)  # fmt: skip
    assert ok.shown_as_generated, ok.why
    # Time and money are what a question measures in, not a thing the meeting must name.
    assert answers.unmentioned("How much time does the test suite take?", s) == []
    assert answers._figure_elsewhere("How much is the cloud discount for this year?", "The cloud discount is 12%.", s)
    # The figure a question's answer gives counts ("how many do we have, four?" / "Three."), and a focus
    # that runs into its verb names no thing to check.
    assert not answers._figure_elsewhere("How much do the tablet partners still owe?", "They owe 40.", s)
    assert not answers._figure_elsewhere("How big is the hiring pool?", "Much wider.", s)


def test_what_s_and_what_will_x_cost_name_their_thing(roadmap) -> None:
    """Test, stop 30 (read): "What's the prize in the interval raffle?" named no thing to the focus (only
    "what is" did) and got a programme's price; "What will the interval ice creams cost?" got a line about
    the interval's minutes."""
    s, segs = roadmap
    assert answers.focus("What's the prize in the tablet raffle?") == ["prize"]
    assert answers.focus("What will the tablet launch party cost?") == ["tablet", "launch", "party"]
    got = answers.ground("What's the prize in the tablet raffle?", "The prize is forty minutes.", sources(segs), s, (), segs)
    assert got.text.startswith(f'{NOT_DISCUSSED} It never mentions "prize".')
    cost = answers.ground("What will the tablet launch party cost?", "The tablet launch party costs forty minutes.",
                          sources(segs), s, (), segs)  # fmt: skip
    assert not cost.shown_as_generated and "40" in cost.why


def test_a_who_question_about_something_never_named_gets_nobody(roadmap) -> None:
    """Test, stop 30: "Who is the new CFO?" of a meeting that never said "CFO": the model declined and the
    line "Theo, please use that on the new page." gave the answer to Theo. A thing the meeting never
    names is judged first, before any line is read off for a reply that declines."""
    s, segs = roadmap
    for reply in ("Not discussed.", "The new CFO is Pia."):
        got = answers.ground("Who is the new CFO?", reply, sources(segs), s, (), segs, [("Pia", "Put the new prices on the website")])
        assert got.text.startswith(f'{NOT_DISCUSSED} It never mentions "cfo".'), got.text
        assert not got.shown_as_generated


def test_a_date_moved_later_in_the_meeting_replaces_the_plan(roadmap) -> None:
    """Test, stop 30: "When will the mobile app launch?" -> "in July", the working plan, while the line
    "So the mobile launch moves out of July. We push the mobile app to Q4, ..." was in the window. The
    latest sentence dating the thing moves it: its date is the answer, quoted."""
    s, segs = roadmap
    got = answers.ground("When will the tablet app launch?", "The tablet app will launch in May.", sources(segs), s, (), segs)
    assert got.text.startswith('Q3 ([') and "We push the tablet app to Q3" in got.text and not got.shown_as_generated
    # The new date given: it stands; a thing dated once is not moved by another's move.
    assert answers.ground("When will the tablet app launch?", "The tablet app will launch in Q3.", sources(segs), s, (),
                          segs).shown_as_generated  # fmt: skip
    assert answers.ground("When is the offsite?", "The offsite is on the ninth of October.", sources(segs), s, (),
                          segs).shown_as_generated  # fmt: skip
    assert answers.new_date("So the tablet launch moves out of May.") == ""
    assert answers.when_in("So the tablet launch moves out of May.") == ""
    assert answers.new_date("We push the tablet app to Q3, because partners come first.") == "Q3"


def test_a_date_asked_for_in_a_request_of_its_own_is_not_the_task_before_it_s() -> None:
    """`make demo` (stop 29): "Great, David owns the database migration. Please send a plan to the team by
    Friday." gave the migration "(due Friday)": the plan is due Friday. A time said on its own after a
    claim is the claimed task's ("I'll get them. Friday morning, first thing, ... The chairs are mine.")."""
    segs = segments([("Maria", "Great, David owns the database migration. Please send a plan to the team by Friday."),
                     ("Tariq", "I'll get them. Friday morning, first thing, I'm out that way anyway. The chairs are "
                               "mine.")])  # fmt: skip
    assert owners.due_of_another("Take the database migration", "Friday", segs)
    assert checks.keeps_due("Send a plan to the team", "Friday", segs)
    assert checks.keeps_due("Get the chairs", "Friday morning", segs)


def test_the_review_s_counter_examples_to_stop_30_s_rules(tmp_path: Path) -> None:
    """A review wrote sentences where this stop's rules went wrong; each now gives the right result."""
    # "So" concludes only a change of plan; "we keep ...ing" and a reason settle nothing; a second decision
    # on another matter is an item of its own; "as we agreed" and "move on with" are no reason or agenda.
    segs = segments([("A", "So we keep getting tickets about the login page, mostly from the mobile users."),
                     ("B", "So we use about forty percent of the cloud budget on staging right now."),
                     ("C", "So this becomes a bigger problem once the partners are live."),
                     ("D", "Then let's look at the numbers again. We keep losing trial users in the first week."),
                     ("E", "Good, then the launch, as we agreed, moves to Q3."),
                     ("F", "Fine, then we move on with the Berlin office and drop Munich."),
                     ("G", "Okay, then the offsite goes to Lisbon. We keep the budget at fifty thousand.")])  # fmt: skip
    assert said.decided(segs) == ["The launch, as we agreed, moves to Q3", "We move on with the Berlin office and drop Munich",
                                  "The offsite goes to Lisbon", "We keep the budget at fifty thousand"]  # fmt: skip
    # A later decision replaces the model's only when it names the model's date too.
    plan = segments([("A", "We launch the tablet app in May."),
                     ("C", "So the tablet app demo moves to the third of April, with two partners.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("DECISION: Launch the tablet app in May"), plan[:1], sources(plan))
    notes.merge([], plan[1:], sources(plan), plan[:1])
    assert [i.text for i in notes.items if i.kind == "decision"] == ["Launch the tablet app in May"]
    # The claimed task's own due, said with a pronoun, stays the task's; a request naming a thing does not.
    for line, other in (("Please have it done by Friday.", False), ("Get it to staging by Friday.", False),
                        ("Please send Mr. Okafor the plan by Friday.", True)):  # fmt: skip
        said_ = segments([("Maria", f"Great, David owns the database migration. {line}")])
        assert owners.due_of_another("Do the database migration", "Friday", said_) is other, line
    lines = [("Lena", "Priya, can you book rooms for the Berlin offsite team near the venue?"),
             ("Nadia", "The plan is to ship the tablet app in May."),
             ("Omar", "Yeah, we push the web app to Q3."),
             ("Omar", "Should we push the tablet app to Q3, given the partner work?"),
             ("Lena", "No, we're not pushing the tablet app to Q3. It stays in May."),
             ("Omar", "Okay, we move the design review to Friday, and the tablet app still ships in May."),
             ("Lena", "We spent about twelve thousand on travel, mostly the team trips, and the team is happy.")]
    with _stored(tmp_path / "review.sqlite", lines) as (s, segs):
        def shown(question: str, reply: str) -> answers.Grounded:
            return answers.ground(question, reply, sources(segs), s, (), segs)

        # A move of another thing, a question, a negation, a move in another clause: May stands.
        assert shown("When will the tablet app launch?", "The tablet app will launch in May.").shown_as_generated
        # A focus running into its verb ("spend") names no thing the meeting must say.
        assert shown("How much did the team spend on travel?", "The team spent $12,000 on travel.").shown_as_generated
        # A thing named in other words by the line that gives the task: its person.
        hotel = shown("Who will book the hotel for the Berlin offsite team?", "Not discussed.")
        assert hotel.text.startswith("Priya (") and not hotel.shown_as_generated


def test_a_decision_said_as_its_outcome_alone_and_a_matter_parked_until_later_are_noted() -> None:
    """Test, stop 30 (a hand-written blind meeting, 6/13 -> 12/13 once read): the 1.5B model noted "No
    smoke machine ..." and "No numbered seats", and the check dropped both for want of a decision word;
    "Fine, unreserved seating then.", "Scrap the glossy ones. We'll do a folded A4 sheet ..." after
    "Okay, no. No, no, no.", "let's park the licence for the song until Ruth hears back", "the hire for
    the three of them is three hundred and eighty" and "the hall seats ninety-six" were found by nothing.
    Our own sentences of each kind."""
    segs = segments([("Ana", "Yeah. Fine, a cash bar then. People pay for their own drinks."),
                     ("Bo", "Ugh. Okay. Right, no fireworks, not with the hay bales out."),
                     ("Cy", "Okay, no. No, no, no. Ditch the printed menus. We'll do a chalkboard by the door."),
                     ("Di", "Okay, let's park the question of the marquee until the council writes back."),
                     ("Ed", "And the rental for the two of them is four hundred and twenty, for the weekend."),
                     ("Fi", "With the stage in, the barn seats a hundred and ten.")])  # fmt: skip
    assert said.decided(segs) == ["A cash bar", "No fireworks, not with the hay bales out", "Ditch the printed menus",
                                  "We'll do a chalkboard by the door"]  # fmt: skip
    assert said.left_open(segs) == ["The question of the marquee (open until the council writes back)"]
    assert [f.text for f in said.stated(segs)] == [
        "The rental for the two of them is four hundred and twenty, for the weekend",
        "With the stage in, the barn seats a hundred and ten"]
    notes = Notes()
    notes.merge(parse_extraction("DECISION: No fireworks, not with the hay bales out\nOPEN: The marquee question"),
                segs, sources(segs))  # fmt: skip
    assert {i.text for i in notes.items if i.kind == "decision"} >= {"No fireworks, not with the hay bales out",
                                                                      "A cash bar"}  # fmt: skip
    # Not outcomes: a comparison, a farewell, a capacity of time, a weekday with a count.
    quiet = segments([("Ana", "Okay, it could be simpler than it is."), ("Bo", "Right, see you then."),
                      ("Cy", "The upload takes twenty minutes."), ("Di", "Luis, you're on leave from Monday for two weeks.")])
    assert said.decided(quiet) == [] and said.stated(quiet) == []
    assert not checks.is_stated("decision", "It could be simpler", quiet)


def test_a_question_kept_open_until_a_day_is_open_and_opening_hours_are_not() -> None:
    """Stop 29's review: opening hours were read from the whole sentence, so "Let's keep it open until
    Friday" (a question kept open) read as a shop's hours."""
    assert checks.leaves_open("Let's keep it open until Friday.")
    assert checks.leaves_open("Leave that open until the vendor calls back.")
    assert not checks.leaves_open("The library stays open until five on Thursdays.")


def test_a_task_nobody_was_given_takes_the_owner_a_recap_gives_it() -> None:
    """Stop 25's `make demo` heard "Great, David owns the database migration. Please send a plan to the team
    by Friday" as "Great, game it owns ...": the plan had no owner and "Who will own the database
    migration?" stayed open, until the recap "David owns the database migration and [s]end the plan by
    Friday" (misheard again) named him. The first wording stands and takes the owner; the migration is
    David's task and answers the question. A task due another day, or sharing only a verb, stays apart."""
    segs = _unlabelled("Now, who will own the database migration?", "Sarah's team is busy with testing, so I will take it myself.",
                       "Great, game it owns the database migration.", "Please send a plan to the team by Friday.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: none | Send the plan to the team | Friday\n"
                                 "OPEN: Who will own the database migration?"), segs, sources(segs))  # fmt: skip
    assert [(i.kind, i.owner) for i in notes.items] == [("action", ""), ("open", "")], notes.render()
    recap = [Segment("t", 10, "David owns the database migration and end the plan by Friday.", 40.0, 44.0, ())]
    notes.merge(parse_extraction("ACTION: David | End the plan by Friday"), recap, sources([*segs, *recap]), segs)
    got = [(i.kind, i.owner, i.text, i.due) for i in notes.items]
    assert ("action", "David", "Send the plan to the team", "Friday") in got, notes.render()
    assert ("action", "David", "Own the database migration", "") in got, notes.render()
    assert not any(text == "End the plan" for _, _, text, _ in got), notes.render()
    assert not any(kind == "open" for kind, *_ in got), notes.render()

    segs = _unlabelled("Somebody has to book the venue for the offsite by Friday.",
                       "And Maria, send the agenda for the board by Monday.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("ACTION: none | Book the venue for the offsite | Friday\n"
                                 "ACTION: Maria | Send the agenda for the board | Monday"), segs, sources(segs))  # fmt: skip
    assert [(i.owner, i.text) for i in notes.items] == [("", "Book the venue for the offsite"),
                                                        ("Maria", "Send the agenda for the board")], notes.render()


def test_a_recap_sentence_is_no_key_fact() -> None:
    """Stop 25's `make demo` kept "Just summarize, the release moves to March 24th, David owns the database
    migration and end the plan by Friday" as a key fact beside the decision and the tasks it repeats. A
    sentence that restates two items or more is dropped; one with a figure of its own stays."""
    segs = _unlabelled("We have decided to move the release date from March 10 to March 24.",
                       "David owns the database migration. Please send a plan to the team by Friday.",
                       "So, just summarize, the release moves to March 24th, David owns the database migration "
                       "and end the plan by Friday.",
                       "To recap, the release moves to March 24 and the migration needs 2 hours of downtime.")  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction(
        "DECISION: Move the release date from March 10 to March 24\n"
        "ACTION: David | Send the plan to the team | Friday\n"
        "FACT: So, just summarize, the release moves to March 24th, David owns the database migration and end "
        "the plan by Friday\n"
        "FACT: To recap, the release moves to March 24 and the migration needs 2 hours of downtime"), segs, sources(segs))
    facts = [i.text for i in notes.items if i.kind == "fact"]
    assert len(facts) == 1 and facts[0].endswith("the migration needs 2 hours of downtime"), notes.render()


def test_an_accepted_request_takes_the_date_of_the_reply() -> None:
    """"Tom, can you write a short summary on the feedback for the team?" / "Sure, I will share it on
    Monday.": the summary is Tom's, due Monday (stop 25's `make demo` listed it undated, and the recap's
    "share the pilot summary on Monday" as a second task). A reply that is no acceptance, or a sentence
    later, dates nothing."""
    segs = _unlabelled("Tom, can you write a short summary on the feedback for the team?", "Sure, I will share it on Monday.")
    assert [(t.person, t.task, t.due) for t in owners.said_tasks(segs)] == [
        ("Tom", "Write a short summary on the feedback for the team", ""),
        ("Tom", "Write a short summary on the feedback for the team", "Monday")]
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Tom | Write a short summary on the feedback for the team | none"), segs, sources(segs))
    recap = [Segment("t", 10, "Tom will move the campaign and share the pilot summary on Monday.", 40.0, 44.0, ())]
    notes.merge([], recap, sources([*segs, *recap]), segs)
    tasks = [(i.owner, i.text, i.due) for i in notes.items if i.kind == "action"]
    assert tasks == [("Tom", "Write a short summary on the feedback for the team", "Monday"),
                     ("Tom", "Move the campaign", "")], notes.render()
    for reply in ("I will share it on Monday.", "Hmm, I will be out on Monday."):
        segs = _unlabelled("Tom, can you write a short summary on the feedback?", "Maybe.", reply)
        assert all(t.due == "" for t in owners.said_tasks(segs)), reply


def test_a_decision_keeps_its_two_halves_a_task_splits_before_any_verb() -> None:
    assert owners.split_task("Own the database migration and end the plan") == ["Own the database migration", "End the plan"]
    assert owners.split_task("Drop the short rib and use the braised chicken", task=False) == [
        "Drop the short rib and use the braised chicken"]
    for one in ("Review the budget and maybe the docs", "Check the logs and especially the alerts",
                "Fix the payment screen and the login page", "Talk to Maria and Tom about the booth"):
        assert owners.split_task(one) == [one]


def test_a_misheard_task_verb_is_the_verb_said_before_with_the_same_object() -> None:
    """Stop 26's `make demo`: Whisper heard the recap's "David owns the database migration and sends a plan by
    Friday" as "... and end the plan by Friday" after "Please send a plan to the team by Friday". A first
    word no verb list knows takes the task verb said before the same object when the two sound alike; a
    word unlike it, or an object never said with a verb, stays."""
    segs = _unlabelled("Great, David owns the database migration.", "Please send a plan to the team by Friday.",
                       "Call the vendor about the invoice.")  # fmt: skip
    assert owners.misheard_verb("End the plan", segs) == "Send the plan"
    assert owners.misheard_verb("Ping the vendor", segs) == "Ping the vendor"
    assert owners.misheard_verb("End the contract", segs) == "End the contract"
    assert owners.misheard_verb("Take the plan", segs) == "Take the plan"  # a verb already
    recap = [Segment("t", 10, "David owns the database migration and end the plan by Friday.", 40.0, 44.0, ())]
    notes = Notes()
    notes.merge([], [*segs, *recap], sources([*segs, *recap]))
    tasks = {(i.owner, i.text, i.due) for i in notes.items if i.kind == "action"}
    assert ("David", "Send the plan", "Friday") in tasks, notes.render()


def test_a_task_written_in_its_owner_s_words_is_listed_as_a_task() -> None:
    """Stop 38's `make demo` listed "Tom: I will move the campaign to March 24": the model copied Tom's own
    line. The owner is the item's field; the task reads as one. A pronoun task stays as written."""
    segs = _unlabelled("Tom, can you move the campaign?", "Okay, I will move the campaign to March 24.")
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Tom | I will move the campaign to March 24 | -"), segs, sources(segs))
    assert [(i.owner, i.text) for i in notes.items if i.kind == "action"] == [("Tom", "Move the campaign to March 24")]
    assert owners.as_task("Okay, I'll send the plan by Friday") == "Send the plan by Friday"
    assert owners.as_task("Let me check the numbers again") == "Check the numbers again"
    for kept in ("I'll do it", "I'll be out on Friday", "I can't make it", "Send the plan"):
        assert owners.as_task(kept) == kept


def test_opening_hours_and_a_later_clause_leave_no_choice_open() -> None:
    """A test replay lost "Okay, decided: the library stays open until five on Thursdays" (read as a
    matter left open) and a choice followed by "..., and we revisit it next year"."""
    segs = segments([("Ana", "Okay, decided: the gym stays open until nine on Fridays, starting in March."),
                     ("Ben", "Then we drop it. The parking fee stays at five dollars this year, because the "
                             "contract is fixed, and we revisit it next year."),
                     ("Cy", "The open questions are the parking fee and the gym hours.")])  # fmt: skip
    assert checks.is_stated("decision", "The gym stays open until nine on Fridays", segs)
    assert checks.is_stated("decision", "The parking fee stays at five dollars this year", segs)
    assert not checks.is_stated("decision", "The parking fee stays at five dollars", segs[2:])  # left open there
    assert not checks.is_stated("decision", "Keep the parking fee as it is", segs[2:])


def test_a_topic_named_before_a_colon_stays_with_its_figure() -> None:
    segs = segments([("Ana", "About the roof: the repair estimate came to nine thousand two hundred dollars for "
                             "the gutters."),
                     ("Ben", "One thing: Ravi has another offer, so he needs an answer from us by Friday.")])  # fmt: skip
    assert [s.text for s in said.stated(segs)] == [
        "About the roof: the repair estimate came to nine thousand two hundred dollars for the gutters",
        "Ravi has another offer, so he needs an answer from us by Friday"]  # a discourse marker is no topic


def test_the_calendar_does_not_make_two_facts_one() -> None:
    """"this year" / "last year" are no matter: a test replay merged a school's enrolment with a museum
    trip's price per student, and a later price then replaced the enrolment."""
    segs = segments([("Ana", "We have three hundred members this year, up from last year."),
                     ("Ben", "The fee per member was twenty dollars for the year end dinner.")])  # fmt: skip
    notes = Notes()
    notes.merge(parse_extraction("FACT: We have three hundred members this year, up from last year"), segs[:1],
                sources(segs))  # fmt: skip
    notes.merge(parse_extraction("FACT: The fee per member was twenty dollars for the year end dinner"), segs[1:],
                sources(segs), segs[:1])  # fmt: skip
    assert [i.text for i in notes.items] == ["We have three hundred members this year, up from last year",
                                             "The fee per member was twenty dollars for the year end dinner"]


def test_a_parked_question_is_the_one_raised_before_with_its_topic() -> None:
    """"Let's leave that open" after "And the lunch supplier. ... Do we stay or switch?" parks the lunch
    supplier, not "Do we stay or switch?" (a test replay); a question asked inside a turn, in a statement
    ("whether") or as what nobody knows yet counts; a document someone keeps open does not."""
    segs = segments([
        ("Rosa", "Next, the coffee machine. The lease runs out in March. Do we renew or buy one?"),
        ("Tom", "I'd like to see prices first. Let's leave that open."),
        ("Ana", "One more from me: the dress code. Staff are divided on whether jeans are fine on Fridays."),
        ("Ben", "That needs a longer talk. Let's keep it open for now."),
        ("Kim", "And the parking permits? Do we pay for them or drop them? Nobody uses the lot on Mondays."),
        ("Lee", "That one stays open. I need the numbers."),
        ("Kim", "Then there are the three interns in design. Do we keep them on?"),
        ("Lee", "It depends on funding, so it stays open."),
        ("Max", "Can everyone see the shared sheet? I'll keep it open while we talk."),
        ("Ola", "So we just don't know if the heating gets fixed before winter. That stays open."),
    ])  # fmt: skip
    assert said.left_open(segs) == [
        "The coffee machine: do we renew or buy one?",
        "The dress code: staff are divided on whether jeans are fine on Fridays.",
        "The parking permits: do we pay for them or drop them?",
        "The three interns in design: do we keep them on?",
        "Whether the heating gets fixed before winter"]
    notes = Notes()
    notes.merge([], segs, sources(segs))
    assert [i.text for i in notes.items if i.kind == "open"] == [
        "The coffee machine: do we renew or buy one?",
        "The dress code: staff are divided on whether jeans are fine on Fridays.",
        "The parking permits: do we pay for them or drop them?",
        "The three interns in design: do we keep them on?", "Whether the heating gets fixed before winter"]


def test_a_rule_the_model_wrote_as_someones_task_is_a_decision() -> None:
    segs = segments([("Nadia", "Okay. From now on every invoice over five hundred needs a second signature.")])
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Nadia | Every invoice over five hundred needs a second signature | none"),
                segs, sources(segs))  # fmt: skip
    assert [(i.kind, i.text, i.owner) for i in notes.items] == [
        ("decision", "Every invoice over five hundred needs a second signature", "")]


def test_a_count_corrected_in_other_words_replaces_the_first() -> None:
    """"... first counted about nine hundred affected customers" / "But the final number ... is twelve
    hundred customers" (a test replay kept both, the old one stale); "forty-seven minutes, not an hour" is
    a fact, correcting no figure said before it. A "sorry" names no count's correction on its own."""
    segs = segments([("Luis", "Support first counted about three hundred failed logins."),
                     ("Luis", "But the final number from the auth logs is four hundred and ten failed logins."),
                     ("Ines", "From the first alarm to recovery it took fifty minutes, not an hour.")])  # fmt: skip
    assert [(s.text, s.corrects) for s in said.stated(segs)] == [
        ("Support first counted about three hundred failed logins", False),
        ("The final number from the auth logs is four hundred and ten failed logins", True),
        ("From the first alarm to recovery it took fifty minutes, not an hour", False)]  # no earlier figure
    notes = Notes()
    notes.merge([], segs[:1], sources(segs))
    notes.merge([], segs[1:], sources(segs), segs[:1])
    assert [i.text for i in notes.items] == [
        "The final number from the auth logs is four hundred and ten failed logins",
        "From the first alarm to recovery it took fifty minutes, not an hour"]
    other = segments([("Ana", "The design team got three laptops last month."),
                      ("Ben", "Sorry, one more thing: sales needs five laptops before the trade fair.")])  # fmt: skip
    assert [s.corrects for s in said.stated(other)] == [False, False]


def test_the_review_s_counter_examples_to_stop_29_s_rules() -> None:
    """Sentences a review wrote against this stop's rules: none of them may add or change an item."""
    segs = segments([("Ana", "Maybe we keep the price at ten dollars, but that's not decided yet."),
                     ("Ben", "We hire two people regardless of whether the grant comes through."),
                     ("Cy", "Yes, we do. The projector rental is two hundred dollars a day."),
                     ("Di", "The good news: we have two hundred sign-ups for the fair."),
                     ("Ed", "On the budget: if we get the grant, we hire three more interns."),
                     ("Fay", "The budget question stays open, the building can wait.")])  # fmt: skip
    assert not checks.is_stated("decision", "Keep the price at ten dollars", segs)
    assert not checks.is_raised("Hire two people regardless of the grant", segs)
    assert not checks.is_stated("decision", "The projector rental is two hundred dollars a day", segs)
    stated = [s.text for s in said.stated(segs)]
    assert "The projector rental is two hundred dollars a day" in stated  # a fact, not a decision
    assert not any(t.startswith(("The good news", "On the budget")) or "interns" in t for t in stated)
    assert checks.leaves_open(segs[5].text)  # a matter named, not opening hours
    tom = segments([("Maria", "Tom, every Friday the backups need checking from now on, we keep doing that.")])
    notes = Notes()
    notes.merge(parse_extraction("ACTION: Tom | Every Friday the backups need checking | none"), tom, sources(tom))
    assert [(i.kind, i.owner) for i in notes.items] != [("decision", "")]  # addressed to Tom: not a rule


def test_a_figure_is_corrected_only_by_its_own_speaker_and_by_a_figure_of_its_kind(tmp_path: Path) -> None:
    """The blind meetings of stops 30-33: an apology ("one more thing, sorry"), another speaker's "I mean",
    a correction of another count ("fourteen hours down"), or a figure the question itself names ("line
    three") made a right reply "corrected". A turn that corrects the reply's own count still does."""
    lines = [("Ada", "The depot quote for the new van is nine thousand two hundred."),
             ("Ben", "Is that, I mean, is that even in the budget?"),
             ("Ada", "No. So we keep the old van for now, eleven hundred for the service, and buy next spring."),
             ("Cy", "The extra shift on bay three is this Saturday, six till two."),
             ("Ada", "So twelve hours lost on bay three this week. Sorry, my sheet only had the mornings."),
             ("Ben", "We booked forty desks for the training days."),
             ("Cy", "Hang on, sorry, it's not forty any more, two teams dropped out, so it's thirty-four desks."),
             ("Dee", "The hall fits sixty people, by the way.")]  # fmt: skip
    with asking(tmp_path, lines) as ask:
        van = ask("What did the depot quote for a new van?", "The depot quoted nine thousand two hundred for a new van.")
        assert van.shown_as_generated, van.text  # "I mean" was Ben's, and the service price is another matter
        shift = ask("When is the extra shift on bay three?", "The extra shift on bay three is this Saturday, six till two.")
        assert shift.shown_as_generated, shift.text  # hours lost correct no date or time
        desks = ask("How many desks are booked for the training days?", "Forty desks are booked for the training days.")
        assert not desks.shown_as_generated and "thirty-four desks" in desks.text
    assert answers._unit_after("We booked forty desks for the training.", "40") == "desk"
    assert answers._unit_after("It's eighty-six a month now.", "86") == "month"
    assert answers._unit_after("With the scaffold it's fourteen thousand two hundred.", "14200") == ""


def test_an_apology_corrects_nothing_and_only_a_figure_question_has_a_figure_corrected(tmp_path: Path) -> None:
    """Read meetings, stop 35: "I know, I know, I'm sorry. So, Kyle's doing the testing ..." made a right
    date "corrected"; a what-question about what stays open was answered with a line moving a date. A
    how-much question in other words ("What does the roof job come to?") still has its figure corrected."""
    lines = [("Ada", "Building control come Thursday the eleventh for the drainage, nine till twelve."),
             ("Ben", "And the roof job is twelve thousand eight hundred from Hartley."),
             ("Cy", "Kyle left the temporary board open again on Tuesday the ninth."),
             ("Ada", "I know, I know, I'm sorry. So, Kyle's doing the drainage testing on the ninth, he's good."),
             ("Ben", "Oh, hang on, sorry, I read it wrong, the roof job is fourteen thousand two hundred with the scaffold."),
             ("Cy", "The school still hasn't said if the fair moves to the ninth.")]  # fmt: skip
    with asking(tmp_path, lines) as ask:
        inspection = ask("When is building control coming to inspect the drainage?",
                         "Building control are coming Thursday the eleventh for the drainage.")
        assert inspection.shown_as_generated, inspection.text
    # The apology alone decides here: the same turn with a real cue corrects the date.
    fixed = [*lines[:3], ("Ada", "I know, I know, I was wrong. So, building control come for the drainage on Tuesday the ninth."),
             *lines[4:]]  # fmt: skip
    with asking(tmp_path / "fixed", fixed) as ask:
        corrected = ask("When is building control coming to inspect the drainage?",
                        "Building control are coming Thursday the eleventh for the drainage.")
        assert not corrected.shown_as_generated, corrected.text
    apologised = [*lines[:3], ("Ada", "I know, I know, I'm sorry. So, building control come for the drainage on Tuesday the ninth."),
                  *lines[4:]]  # fmt: skip
    with asking(tmp_path / "apology", apologised) as ask:
        kept = ask("When is building control coming to inspect the drainage?",
                   "Building control are coming Thursday the eleventh for the drainage.")
        assert kept.shown_as_generated, kept.text
    with asking(tmp_path, lines) as ask:
        roof = ask("What does the Hartley roof job come to, all in?", "The roof job comes to twelve thousand eight hundred.")
        assert not roof.shown_as_generated and "fourteen thousand two hundred" in roof.text
        # Asked no figure, the reply's figure is not the answer to correct.
        open_matter = ask("What is still open about the Hartley roof job?",
                          "Whether the Hartley roof job is twelve thousand eight hundred.")
        assert not open_matter.text.startswith("The meeting corrected that figure"), open_matter.text


def test_a_question_naming_the_kind_of_answer_is_not_a_thing_never_mentioned(hall) -> None:
    """"Which company ...?", "What date ...?", "What's the deadline for ...?", "What's the ceiling on ...?":
    the meeting says the name, the date or the figure, not the word for its kind; the 1.5B model's right
    replies to nine such questions of five meetings were refused as "never mentions". A passive's "being"
    ends the focus. A thing the meeting never names is still refused."""
    s, _ = hall
    assert answers.focus("Which company is fixing the roof?") == []
    assert answers.focus("What's the deadline for the hall booking?") == []
    assert answers.focus("When is the new hall being painted?") == ["hall"]  # "new" is no search word
    assert answers.unmentioned("Which firm is doing the hall repairs?", s) == []
    assert answers.unmentioned("Which florist is doing the flowers?", s) == ["florist"]
    assert answers.unmentioned("When is the fire alarm being tested?", s) == ["fire", "alarm"]


def test_a_how_long_question_is_answered_by_a_span_said_without_a_figure(tmp_path: Path) -> None:
    lines = [("Ada", "The training on the new scanner is half a day, on site, for all the nurses."),
             ("Ben", "And the servicing is every month, included in the lease.")]  # fmt: skip
    with asking(tmp_path, lines) as ask:
        assert ask("How long is the training on the new scanner?", "The training is half a day.").shown_as_generated
        assert ask("How often is the scanner serviced?", "Every month, in the lease.").shown_as_generated
        vague = ask("How long is the training on the new scanner?", "The training is on site for the nurses.")
        assert not vague.shown_as_generated
