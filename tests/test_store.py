"""Session store on a real SQLite file: durability, dedupe, full-text retrieval, gaps, reopen."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.messages import Segment, Word
from stages.summarize.store import SessionStore, keywords


def seg(seq: int, text: str, start: float | None = None) -> Segment:
    start = seq * 3.0 if start is None else start
    return Segment("s", seq, text, start, start + 2.5, (Word(text.split()[0], start, start + 0.3, 0.9),), "Ann")


@pytest.fixture
def store(tmp_path):
    with SessionStore(tmp_path / "s.sqlite", "meeting") as s:
        yield s


def test_segments_round_trip_and_duplicates_are_ignored(store):
    assert store.add_segment(seg(0, "Hello everyone."))
    assert store.add_segment(seg(1, "The vendor is Kestrel Systems."))
    assert not store.add_segment(seg(1, "The vendor is Kestrel Systems."))  # re-sent after a restart
    got = list(store.segments())
    assert [s.seq for s in got] == [0, 1] and got[1].text == "The vendor is Kestrel Systems."
    assert got[0].words[0].text == "Hello" and got[0].speaker == "Ann"
    assert store.last_seq() == 1 and store.count_segments() == 2 and store.missing_seqs() == []


def test_gaps_are_reported(store):
    for i in (0, 1, 3, 5):
        store.add_segment(seg(i, f"segment {i}"))
    assert store.missing_seqs() == [2, 4]


def test_full_text_search_ranks_and_respects_the_window(store):
    texts = ["We talked about the budget.", "The offsite will be held in Lisbon.", "Lunch was fine.",
             "Hiring is on track.", "Lisbon hotels are expensive in June."]  # fmt: skip
    for i, t in enumerate(texts):
        store.add_segment(seg(i, t))
    hits = store.search("Where will the offsite be held?", limit=2)
    assert hits and hits[0].seq == 1 and "Lisbon" in hits[0].text  # best first
    assert all(h.seq < 4 for h in store.search("Lisbon offsite", before_seq=4))
    assert store.search("the and of") == []  # stop words only: nothing to search for
    assert store.search('"; DROP TABLE segments; --') == []  # quoted safely, no FTS syntax error
    assert [s.seq for s in store.around(2)] == [1, 2, 3]


def test_keywords_drop_stop_words():
    assert keywords("Who will own the billing migration?") == ["own", "billing", "migration"]


def test_summaries_answers_and_reopen(tmp_path):
    path = tmp_path / "s.sqlite"
    with SessionStore(path, "meeting") as store:
        store.add_segment(seg(0, "Hello."))
        store.add_summary(0, 2.5, "Overview: greetings.", final=False)
        store.add_summary(0, 2.5, "Overview: greetings, final.", final=True)
        store.add_answer("r1", "Who spoke?", "Ann [00:00].", ())
        store.set_ended("eof", 2.5)
    with SessionStore.open_existing(path) as again:
        assert again.stream == "meeting"
        assert again.latest_summary().text == "Overview: greetings, final." and again.latest_summary().final
        assert again.answers()[0]["request_id"] == "r1"
        assert again.ended()["reason"] == "eof"
        assert again.recent_segments(1000)[0].text == "Hello."


def test_not_a_session_file(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are notes, not a database" * 100)
    with pytest.raises(InputError, match="not a sinkscribe session file"):
        SessionStore(bad)
    with pytest.raises(InputError, match="no such session file"):
        SessionStore.open_existing(tmp_path / "missing.sqlite")


def test_wal_lets_a_reader_see_committed_segments_while_the_writer_is_open(tmp_path):
    path = tmp_path / "s.sqlite"
    with SessionStore(path, "m") as writer:
        writer.add_segment(seg(0, "written before any reader"))
        with SessionStore.open_existing(path) as reader:
            assert reader.count_segments() == 1
