"""Which evicted passages a question is given (stages/summarize/retrieval.py), on a real SQLite store."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.messages import Segment
from stages.settings import RETRIEVE_STRATEGIES
from stages.summarize import prompts
from stages.summarize.retrieval import STRATEGIES, Retrieval
from stages.summarize.store import SessionStore

LINES = [
    ("Ruth", "Tickets go on sale online on Monday the fifteenth."),
    ("Aggie", "I can take the costume measurements"),
    ("Aggie", "at rehearsal on Sunday."),
    ("Colm", "The hall holds ninety-six people."),
    ("Ned", "Lunch was nice."),
    ("Harriet", "The costume van is booked."),  # the window starts here (seq 5)
    ("Ned", "Who is taking the costume measurements list to the van? Taking it now."),
]


def words(text: str) -> int:
    return len(text.split())


def first_words(text: str, budget: int) -> str:
    return " ".join(text.split()[:budget])


@pytest.fixture
def store(tmp_path: Path):
    s = SessionStore(tmp_path / "s.sqlite", "t")
    for i, (who, text) in enumerate(LINES):
        s.add_segment(Segment("t", i, text, 10.0 * i, 10.0 * i + 8, speaker=who))
    yield s
    s.close()


def retrieval(store: SessionStore, strategy: str, budget: int = 200) -> Retrieval:
    return Retrieval(store, 4, budget, words, first_words, STRATEGIES[strategy])


def test_the_config_names_the_strategies_the_module_has():
    assert set(RETRIEVE_STRATEGIES) == set(STRATEGIES)


def test_above_window_gives_nothing_when_the_window_holds_the_best_match(store):
    question = "Who is taking the costume measurements list?"
    assert store.search(question, limit=1)[0].seq == 6  # the window's line shares every word
    assert retrieval(store, "above_window").passages(question, first_in_window=5) == []
    found = retrieval(store, "evicted").passages(question, first_in_window=5)
    assert found and found[0].seqs == (0, 1, 2)  # the claim, with its neighbours, from before the window


def test_a_passage_shows_the_model_who_said_it_and_quotes_plain_words(store):
    (passage,) = retrieval(store, "evicted").passages("costume measurements at rehearsal?", first_in_window=3)
    assert passage.prompt == ("[00:00.0] Ruth: Tickets go on sale online on Monday the fifteenth.\n"
                              "[00:10.0] Aggie: I can take the costume measurements at rehearsal on Sunday.")  # fmt: skip
    assert passage.text.startswith("Tickets go on sale") and "Aggie" not in passage.text
    citation = passage.citation()
    assert (citation.seq, citation.start, citation.end) == (passage.seq, 0.0, 28.0)


def test_nothing_from_the_window_and_nothing_before_eviction_begins(store):
    found = retrieval(store, "evicted").passages("How many people does the hall hold?", first_in_window=4)
    assert [p.seqs for p in found] == [(2, 3)]  # seq 4 is in the window: not quoted
    assert retrieval(store, "evicted").passages("hall", first_in_window=0) == []


def test_the_budget_cuts_the_last_passage(store):
    found = retrieval(store, "evicted", budget=12).passages("costume measurements hall people", first_in_window=5)
    assert sum(words(p.prompt) for p in found) <= 12
    assert all(words(p.text) <= 12 for p in found)


def test_transcript_lines_break_at_a_speaker_or_a_sentence_end():
    segs = [Segment("t", 0, "We could", 0.0, 1.0, speaker="A"), Segment("t", 1, "try it.", 1.0, 2.0, speaker="A"),
            Segment("t", 2, "Yes.", 65.0, 66.0, speaker="B")]  # fmt: skip
    assert prompts.transcript_lines(segs) == "[00:00.0] A: We could try it.\n[01:05.0] B: Yes."


def test_quote_window_repeats_the_windows_best_line_beside_the_question(store):
    question = "Who is taking the costume measurements list?"
    evicted, quoted = retrieval(store, "quote_window").choose(question, first_in_window=5)
    assert evicted == []  # the evicted rule is above_window's: the window holds the best match
    assert [p.seqs for p in quoted][0] == (5, 6)  # the window's line, its neighbour inside the window only
    assert "Ned: Who is taking the costume measurements list" in quoted[0].prompt
    assert retrieval(store, "above_window").choose(question, first_in_window=5)[1] == []  # off by default


def test_window_quotes_work_before_eviction_and_share_the_passages_budget(store):
    _, quoted = retrieval(store, "quote_window").choose("How many people does the hall hold?", first_in_window=0)
    assert quoted and any(3 in p.seqs for p in quoted)  # nothing evicted yet: the whole meeting is the window
    evicted, quoted = retrieval(store, "quote_window", budget=12).choose("costume measurements hall", 3)
    assert sum(words(p.prompt) for p in [*evicted, *quoted]) <= 12
    seqs = [s for p in [*evicted, *quoted] for s in p.seqs]
    assert len(seqs) == len(set(seqs))  # no line quoted twice
