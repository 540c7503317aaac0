"""bench.quality's scorer on hand-written notes and answers (fast), and one real-stage run (slow)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from bench.quality_score import (
    Fact,
    Gold,
    Question,
    Transcript,
    Update,
    abstains,
    fact_status,
    load_gold,
    score_answer,
    score_answers,
    score_meeting,
    score_notes,
)
from bench.quality_text import Known, action_owners, invented, normalise, parse_notes

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "quality"

LINES = [
    "Maria: Let's start. The release was planned for March tenth.",  # 1
    "David: I don't think March tenth is realistic.",  # 2
    "Maria: We have decided to move the release to March twenty fourth.",  # 3
    "Maria: Sarah, can you own the database migration?",  # 4
    "Sarah: My team is busy with testing. David, could you take it?",  # 5
    "David: Sure, I will own the migration and send a plan by Friday. I'll ask Kevin to help with backups.",  # 6
    "Tom: We had about four hundred pilot users, sorry, four hundred and fifty.",  # 7
    "Sarah: Are we keeping the premium plan at ten dollars a month? Nobody knows yet.",  # 8
]
GOLD = Gold(
    "toy", "dev", 1, ["Maria", "David", "Sarah", "Tom"],
    facts=[
        Fact("release", "decision", 3, [["release"], ["march 24"]], superseded=["march 10"]),
        Fact("migration", "action", 6, [["migrat*"]], owner="David", due=["friday"], wrong_owner=["Sarah", "Kevin"]),
        Fact("pilot", "number", 7, [["pilot"], ["450"]], superseded=["400"]),
        Fact("price", "open", 8, [["premium", "price"], ["10"]]),
    ],
    questions=[
        Question("q_who", "who", 7, 6, "Who owns the database migration?", [["David"]], ["Sarah", "Kevin"], "in"),
        Question("q_much", "how_much", 8, 7, "How many pilot users were there?", [["450"]], ["400"], "evicted"),
        Question("q_never", "never", 8, None, "What budget was approved for the offsite in Lisbon?"),
    ],
)  # fmt: skip


def test_normalise_numbers_dates_money_and_time_references():
    assert normalise("Moved to March twenty-fourth [03:12, 04:01] [1:02:03.5].") == "moved to march 24"
    assert normalise("the 24th of March") == "the march 24"
    assert normalise("about four hundred pilot users") == "about 400 pilot users"
    assert normalise("one hundred and eighty-five thousand") == "185000"
    assert normalise("$10/month") == normalise("ten dollars a month").replace(" a ", " ") == "10 dollars month"
    assert normalise("2,000 users, 45k, 1.5 million, 80%") == "2000 users 45000 1500000 80 percent"
    assert normalise("two point three") == "2.3"
    assert normalise("first of all, a second opinion") == "first of all a second opinion"  # not dates
    assert normalise("the second of March") == "the march 2"
    assert normalise("David's plan; it wasn't discussed") == "david plan it was not discussed"
    assert normalise("Sept. 3rd") == "september 3"
    assert normalise("our hundred and fifty chairs") == "our 150 chairs" and normalise("hundred twenty") == "120"
    assert normalise("hundred percent sure") == "hundred percent sure"  # no number follows the bare word


def test_sections_are_parsed_tolerantly():
    notes = "Overview: The team met.\n## Decisions\n* Release moved\n**Action items:**\n1. David: plan\n" \
            "Actions\n- Tom will post\nOpen questions:\n- none\nNumbers and dates:\n• 400 users [01:02]\n"
    items = parse_notes(notes)
    assert [(i.section, i.text) for i in items] == [
        ("overview", "The team met."), ("decision", "Release moved"), ("action", "David: plan"),
        ("action", "Tom will post"), ("facts", "400 users [01:02]"),
    ]  # fmt: skip


def test_action_owner_forms():
    assert action_owners("David: migration plan (due Friday) [03:12]") == ["david"]
    assert action_owners("**Sarah** — fix the payment screen") == ["sarah"]
    assert action_owners("Write the test plan (owner: Sarah)") == ["sarah"]
    assert action_owners("Tom will move the campaign") == ["tom"]
    assert action_owners("David and Kevin: backup scripts") == ["david", "kevin"]
    assert action_owners("Finalize the migration plan") == []


def test_fact_present_in_right_section_only():
    items = parse_notes("Open questions:\n- Release moved to March 24\n")
    status = fact_status(GOLD.facts[0], items, GOLD.people)
    assert not status["present"] and status["misfiled"]
    items = parse_notes("Key facts:\n- The release moves from March 10 to March 24.\n")
    assert fact_status(GOLD.facts[0], items, GOLD.people)["present"]


def test_superseded_number_is_wrong_and_correction_is_right():
    stale = parse_notes("Key facts:\n- 400 pilot users\n")
    status = fact_status(GOLD.facts[2], stale, GOLD.people)
    assert status["stale"] and not status["present"]
    fixed = parse_notes("Key facts:\n- four hundred and fifty pilot users (first said 400)\n")
    assert fact_status(GOLD.facts[2], fixed, GOLD.people)["present"]


def test_reassigned_owner_scores_wrong():
    people = GOLD.people
    right = fact_status(GOLD.facts[1], parse_notes("Action items:\n- David: migration plan by Friday\n"), people)
    assert right["present"] and right["owner_ok"] and right["due_ok"]
    wrong = fact_status(GOLD.facts[1], parse_notes("Action items:\n- Sarah: database migration\n"), people)
    assert wrong["present"] and not wrong["owner_ok"]
    helper = fact_status(GOLD.facts[1], parse_notes("Action items:\n- Kevin: help with the migration backups\n"), people)
    assert not helper["owner_ok"]  # mentioned, not responsible
    named = fact_status(GOLD.facts[1], parse_notes("Action items:\n- Migration plan, by David\n"), people)
    assert named["owner_ok"]  # no owner field: the one meeting person named in the item


def test_invented_names_numbers_and_dates():
    known = Known.of(LINES)
    assert invented("- David: migration plan by Friday, March 24, 450 users", known).clean
    made_up = invented("Decisions: Release with Jennifer on April 2, budget 5,000 dollars on Thursday.", known)
    assert made_up.names == ("Jennifer",)
    assert made_up.numbers == ("2", "5000")
    assert made_up.dates == ("april", "thursday")
    assert invented("Action items:\n- Priya: send it", known, owners=["priya"]).names == ("priya",)
    assert invented("The Release and the Premium plan [12:04]", known).clean  # words said, time refs ignored


def test_abstention_with_and_without_invented_content():
    q = GOLD.questions[2]
    known = Known.of(LINES)
    assert abstains("That was not discussed in this meeting.")
    assert score_answer(q, "The offsite budget in Lisbon was not discussed.", known)["correct"]  # asked words
    assert not score_answer(q, "It wasn't discussed, but Jennifer said 5,000 dollars.", known)["correct"]
    assert not score_answer(q, "The budget is 450 dollars.", known)["correct"]  # no abstention


def test_answers_with_wrong_owner_or_superseded_value():
    known = Known.of(LINES)
    who, much = GOLD.questions[0], GOLD.questions[1]
    assert score_answer(who, "David owns the database migration.", known)["correct"]
    assert not score_answer(who, "Sarah owns it.", known)["correct"]
    assert score_answer(much, "About four hundred and fifty.", known)["correct"]
    row = score_answer(much, "There were 400 pilot users.", known)
    assert not row["correct"] and row["wrong_named"] == ["400"]


def test_retention_counts_a_dropped_fact():
    updates = [
        Update("Decisions:\n- Release moved to March 24\n", 4),
        Update("Decisions:\n- none\nAction items:\n- David: migration\n", 6),
        Update("Decisions:\n- Release on March 24\nAction items:\n- David: migration\n", 8, final=True),
    ]
    notes = score_notes(GOLD, Transcript(LINES), updates)
    assert notes["retention"]["drops"] == 1 and notes["drops"][0]["fact"] == "release"
    assert notes["retention"]["k"] == 1  # the migration item kept from update 2 to the final
    assert notes["final"]["recall"] == {"k": 2, "n": 4, "rate": 0.5}
    assert notes["final"]["owner_attribution"]["rate"] == 1.0
    assert notes["rolling"]["recall"]["n"] == 2 + 1  # release covered by both rolling updates, migration by one


def test_score_meeting_pools_answers_by_kind_and_window():
    answers = {"q_who": "David.", "q_much": "400.", "q_never": "Not discussed."}
    result = score_meeting(GOLD, LINES, [Update("Overview: release March 24", 8, final=True)], answers)
    a = result["answers"]
    assert a["in_window"]["rate"] == 1.0 and a["evicted"]["rate"] == 0.0 and a["abstention"]["rate"] == 1.0
    assert result["notes"]["final"]["recall"]["k"] == 1


def _build_set() -> dict:
    """Run the generator in this process; its folder goes on sys.path only meanwhile (its modules have
    plain names such as `spec` and `talk`, which must not shadow anything in later tests)."""
    saved_path, saved_modules = list(sys.path), set(sys.modules)
    try:
        spec = importlib.util.spec_from_file_location("make_quality", DATA / "make_quality.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.build_all()
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:
            del sys.modules[name]


def test_committed_set_is_what_the_generator_writes_and_loads():
    built = _build_set()
    assert len(built) >= 6
    for name, (text, gold) in built.items():
        if name != "demo":  # the demo's transcript is samples/meeting.script.txt
            assert (DATA / f"{name}.txt").read_text(encoding="utf-8") == text, f"{name}.txt is stale: re-run the generator"
        assert json.loads((DATA / f"{name}.gold.json").read_text(encoding="utf-8")) == gold
        loaded = load_gold(DATA / f"{name}.gold.json")
        assert loaded.facts and loaded.questions
    demo = load_gold(DATA / "demo.gold.json")
    assert demo.split == "dev" and any(q.kind == "never" for q in demo.questions)


@pytest.mark.parametrize("name", ["catering_week", "library_volunteers"])
def test_hand_written_meetings_keep_their_traps(name):
    """The hand-written dev meetings (bench/data/quality/meetings_written.py): a number corrected, a decision
    reversed, owners wrong (reassigned, mentioned but not responsible), small talk, questions in and out of
    the window, never-discussed ones."""
    gold = load_gold(DATA / f"{name}.gold.json")
    assert gold.split == "dev" and (DATA / f"{name}.txt").exists()
    assert any(f.section == "number" and f.superseded for f in gold.facts)
    assert any(f.section == "decision" and f.superseded for f in gold.facts)
    assert sum(bool(f.wrong_owner) for f in gold.facts if f.section == "action") >= 2
    assert len(gold.noise) >= 2
    assert {q.window for q in gold.questions} == {"in", "evicted", None}


@pytest.mark.slow
def test_quality_runner_end_to_end_on_a_tiny_meeting(tmp_path):
    from bench import quality

    lines = [
        "Ann: Good morning. We decided the offsite will be in Porto.",
        "Ben: Great. I will book the hotel by Friday.",
        "Ann: The budget is twelve thousand dollars.",
        "Ben: Sounds good. See you there.",
    ]
    (tmp_path / "tiny.txt").write_text("\n".join(lines) + "\n")
    gold = {
        "meeting": "tiny", "split": "dev", "minutes": 1, "speakers": ["Ann", "Ben"],
        "facts": [{"id": "hotel", "section": "action", "line": 2, "keywords": [["hotel"]], "owner": "Ben",
                   "due": ["friday"], "superseded": []}],
        "questions": [
            {"id": "q1", "kind": "who", "after_line": 2, "fact_line": 2, "question": "Who books the hotel?",
             "answers": [["Ben"]], "wrong": [], "window": "in"},
            {"id": "q2", "kind": "never", "after_line": 4, "fact_line": None,
             "question": "Which airline was chosen?", "answers": [], "wrong": []},
        ],
    }  # fmt: skip
    (tmp_path / "tiny.gold.json").write_text(json.dumps(gold))
    out = tmp_path / "q.json"
    assert quality.main(["--presets", "smollm2-135m", "--data", str(tmp_path), "--split", "all", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    run = report["presets"]["smollm2-135m"]
    meeting = run["meetings"]["tiny"]
    assert meeting["summaries"] and meeting["summaries"][-1]["final"]
    assert {a["id"] for a in meeting["answers"]} == {"q1", "q2"}
    assert "fact_recall_final" in run["splits"]["dev"]["metrics"]
    assert "abstention" in run["splits"]["dev"]["targets"]
    assert "realtime" in meeting and "model_s_per_audio_s" in meeting["realtime"]


@pytest.mark.parametrize("gold_path", sorted(DATA.glob("*.gold.json")), ids=lambda p: p.name.split(".")[0])
def test_oracle_notes_and_answers_score_perfectly(gold_path):
    """Notes made of the gold fact lines, each in its section, and answers quoting them: every fact is
    found, every owner right, nothing invented, every question right. Checks gold and scorer agree."""
    gold = load_gold(gold_path)
    raw = json.loads(gold_path.read_text(encoding="utf-8"))
    lines = (ROOT / raw["transcript"] if raw["meeting"] == "demo" else DATA / raw["transcript"]).read_text().splitlines()
    text = lambda n: lines[n - 1].split(": ", 1)[1]  # noqa: E731
    heading = {"decision": "Decisions", "action": "Action items", "number": "Key facts", "date": "Key facts",
               "open": "Open questions"}  # fmt: skip
    notes = "\n".join(f"{heading[f.section]}:\n- {f.owner + ': ' if f.owner else ''}{text(f.line)}" for f in gold.facts)
    answers = {q.id: lines[q.fact_line - 1] if q.fact_line else "That was not discussed in this meeting." for q in gold.questions}
    result = score_meeting(gold, lines, [Update(notes, len(lines), final=True)], answers)
    final = result["notes"]["final"]
    assert final["missing"] == [] and final["stale"] == [], final["missing"] + final["stale"]
    assert final["owner_attribution"]["rate"] == 1.0
    assert final["clean"], final["invented"]
    wrong = [r["id"] for r in result["answers"]["questions"] if not r["correct"]]
    assert wrong == []


def test_who_answer_listing_the_room_is_wrong():
    who = GOLD.questions[0]
    known = Known.of(LINES)
    assert not score_answer(who, "The team of Maria, David and Tom.", known, GOLD.people)["correct"]
    assert score_answer(who, "David; Kevin helps with the backups.", known, GOLD.people)["correct"]


def test_headings_and_line_starts_are_not_invented_names():
    notes = "Decisions:\n- none\nAction items:\n- none\nKey facts:\n- none\nOpen questions:\nPending review\n"
    assert invented(notes, Known.of(LINES)).clean


def test_an_invented_acronym_is_a_name_but_common_ones_are_not():
    known = Known.of(LINES)
    assert invented("The database will be hosted on AWS.", known).names == ("AWS",)
    assert invented("Owner TBD, QA to confirm, ETA unknown.", known).clean


def test_what_the_meeting_left_open_is_an_answer_not_a_decline():
    """"We still don't know if the insurance will pay" answers "What's still unresolved about the repair?";
    for any other question, and for every question in the meeting's own words ("not discussed"), such
    phrases decline."""
    q = Question("q_open", "what", 9, 8, "What is still unresolved about the premium plan?", [["premium", "price"]],
                 window="in")  # fmt: skip
    known = Known.of(LINES)
    answer = "Nobody knows yet; we do not know if the premium plan stays at 10 dollars."
    assert score_answer(q, answer, known, open_matter=True)["correct"]
    assert not score_answer(q, answer, known)["correct"]
    assert not score_answer(q, "The premium plan was not discussed.", known, open_matter=True)["correct"]
    gold = Gold("toy", "dev", 1, GOLD.people, facts=GOLD.facts, questions=[q])
    scored = score_answers(gold, Transcript(LINES), {"q_open": answer})
    assert scored["questions"][0]["correct"]  # the price fact (line 8) is an open one
