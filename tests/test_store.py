"""The session store, one module run against both backends: a real SQLite file, and a real PostgreSQL
server the test session starts (tests/pg_support.py). Durability, dedupe, full-text retrieval and its
ranking, gaps, reopen, speaker names, ended state, the catalogue's rules, and a writer and a reader in
two processes. What only one backend has (a file that is not a database, a URL) is tested on that one."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from pipeline.errors import InputError
from pipeline.messages import Segment, Word
from stages.recording import Recording
from stages.summarize import catalog
from stages.summarize.shelves import FileShelf, PgShelf
from stages.summarize.store import SessionFenced, SessionStore, keywords
from tests.conftest import ROOT


def seg(seq: int, text: str, start: float | None = None, speaker: str = "Ann") -> Segment:
    start = seq * 3.0 if start is None else start
    return Segment("s", seq, text, start, start + 2.5, (Word(text.split()[0], start, start + 0.3, 0.9),), speaker)


@pytest.fixture(params=["sqlite", "postgresql"])
def shelf(request, tmp_path):
    """Where sessions are kept: a folder of SQLite files, or a fresh database on the test server."""
    if request.param == "sqlite":
        yield FileShelf(tmp_path / "sessions")
        return
    place = PgShelf(request.getfixturevalue("pg_url"))
    yield place
    place.close()


@pytest.fixture
def store(shelf):
    with shelf.open("s", "meeting") as s:
        yield s


def spec_of(shelf) -> str:
    """The shelf as one string (a folder, or the URL) for a second process."""
    return shelf.url if isinstance(shelf, PgShelf) else str(shelf.directory)


def test_segments_round_trip_and_duplicates_are_ignored(store):
    assert store.add_segment(seg(0, "Hello everyone."))
    assert store.add_segment(seg(1, "The vendor is Kestrel Systems."))
    assert not store.add_segment(seg(1, "The vendor is Kestrel Systems."))  # re-sent after a restart
    got = list(store.segments())
    assert [s.seq for s in got] == [0, 1] and got[1].text == "The vendor is Kestrel Systems."
    assert got[0].words[0].text == "Hello" and got[0].speaker == "Ann" and got[0].stream == "meeting"
    assert store.last_seq() == 1 and store.count_segments() == 2 and store.missing_seqs() == []
    assert store.last_end() == 5.5


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
    assert hits[0].start == 3.0 and hits[0].end == 5.5
    assert all(h.seq < 4 for h in store.search("Lisbon offsite", before_seq=4))
    assert store.search("the and of") == []  # stop words only: nothing to search for
    assert store.search('"; DROP TABLE segments; --') == []  # quoted safely, no query syntax error
    assert store.search("it's O'Brien's e-mail | & ! <-> :* (x)") == []  # nor in the other backend's syntax
    assert [s.seq for s in store.around(2)] == [1, 2, 3]


def test_search_puts_the_phrase_first_then_ranks_words_and_stems(store):
    texts = ["The badge is red and the card readers are old.",  # both words, not as a phrase
             "Readers of the newsletter liked it.",
             "New badge readers arrive on Monday.",  # the phrase
             "We decided to move the release.",
             "Badge photos are taken at reception.",
             "Card readers, card readers everywhere: the readers fail."]  # fmt: skip
    for i, t in enumerate(texts):
        store.add_segment(seg(i, t))
    hits = store.search("When do the badge readers arrive?", limit=6)
    assert hits[0].seq == 2  # the question's word pair as a phrase comes first
    assert {h.seq for h in hits} == {0, 1, 2, 4, 5}  # then every segment holding a content word, once each
    assert store.search("What was the decision they decided?")[0].seq == 3  # stemmed: decided ~ decide
    assert {h.seq for h in store.search("badge readers", before_seq=2)} == {0, 1}  # only what was said before
    more = store.search("card readers readers")  # more of the words ranks higher than fewer
    assert [h.seq for h in more][:2] == [5, 0]
    # Whether the meeting ever said a word, by the backend's own stemming (the answer checks ask this).
    assert store.mentions("reader") and store.mentions("deciding") and store.mentions("Photo")
    assert not store.mentions("wine") and not store.mentions("O'Brien")


def test_keywords_drop_stop_words():
    assert keywords("Who will own the billing migration?") == ["own", "billing", "migration"]


def test_summaries_notes_answers_and_reopen(shelf):
    with shelf.open("s", "meeting") as store:
        store.add_segment(seg(0, "Hello."))
        store.add_summary(0, 2.5, "Overview: greetings.", final=False)
        store.add_summary(0, 2.5, "Overview: greetings, final.", final=True)
        store.save_notes(0, [{"tag": "decision", "text": "greet"}])
        store.save_notes(0, [{"tag": "decision", "text": "greet everyone"}])  # the same summary again: replaced
        store.add_answer("r1", "Who spoke?", "Ann [00:00].", ())
        store.set_ended("eof", 2.5)
    with shelf.open_existing("s") as again:
        assert again.stream == "meeting" and again.name == "s" and again.created > 0
        assert again.latest_summary().text == "Overview: greetings, final." and again.latest_summary().final
        assert [s.final for s in again.summaries()] == [False, True]
        assert again.latest_notes() == [{"tag": "decision", "text": "greet everyone"}]
        assert again.answers()[0]["request_id"] == "r1" and again.answers()[0]["citations"] == []
        assert again.ended()["reason"] == "eof"
        assert again.recent_segments(1000)[0].text == "Hello."


def test_sessions_on_one_shelf_never_see_each_other(shelf):
    with shelf.open("a", "m") as a, shelf.open("b", "m") as b:
        a.add_segment(seg(0, "The Falcon budget is approved."))
        b.add_segment(seg(0, "Hiring in Lisbon."))
        assert not b.add_segment(seg(0, "a duplicate in b"))
        a.name_speaker("Ann", "Anna")
        a.add_summary(0, 2.5, "A's notes", final=True)
        assert [s.text for s in b.segments()] == ["Hiring in Lisbon."] and b.search("Falcon budget") == []
        assert b.speaker_names() == {} and b.latest_summary() is None and a.latest_summary().text == "A's notes"
    assert sorted(shelf.names()) == ["a", "b"]


def test_many_segments_are_read_in_order_and_in_pieces(store):
    for i in range(1234):
        store.add_segment(seg(i, f"line {i} about item{i}"))
    assert [s.seq for s in store.segments()] == list(range(1234))
    assert [s.seq for s in store.segments(after_seq=99, limit=700)] == list(range(100, 800))
    assert [s.seq for s in store.recent_segments(50)] == [1232, 1233]  # 24 characters each
    assert store.missing_seqs() == [] and store.search("item1000")[0].seq == 1000


def test_speaker_names_apply_when_read_and_labels_stay(shelf):
    with shelf.open("m", "t") as live, shelf.open_existing("m") as other:
        for i, (who, text) in enumerate([("S1", "Good morning."), ("S2", "I will fix the payment issues today."),
                                          ("S1", "Thanks."), ("S2", "Done.")]):  # fmt: skip
            live.add_segment(seg(i, text, speaker=who))
        other.name_speaker("S2", "Sarah")  # another process: `sinkscribe speakers` during the meeting
        assert [s.speaker for s in live.segments()] == ["S1", "S2", "S1", "S2"]  # not yet re-read
        assert live.refresh_names() == {"S2": "Sarah"}
        assert [s.speaker for s in live.segments()] == ["S1", "Sarah", "S1", "Sarah"]
        got = [(s.label, s.name, s.lines, s.seconds, s.first, s.sample) for s in live.speakers()]
        assert got == [("S1", "", 2, 5.0, 0.0, "Good morning."),
                       ("S2", "Sarah", 2, 5.0, 3.0, "I will fix the payment issues today.")]  # fmt: skip
        other.name_speaker("S2", None)
        assert live.refresh_names() == {} and list(live.segments())[1].speaker == "S2"


def test_relabels_apply_with_their_segment_and_never_again(store):
    """A segment carries the speaker corrections the labeller made when it labelled it (stages/speakers.py):
    stored with it in one transaction; a resend of it (after a restart) changes nothing, so a later
    correction of the same line is not undone; a correction of a line not before it is ignored."""
    from dataclasses import replace

    from pipeline.messages import Relabel

    for i, (who, text) in enumerate([("S1", "Good morning."), ("S1", "Sure,"), ("S1", "I will take it.")]):
        store.add_segment(seg(i, text, speaker=who))
    fixed = replace(seg(3, "The payment fix is mine.", speaker="S2"), relabels=(Relabel(1, "S2"), Relabel(2, "S2")))
    assert store.add_segment(fixed)
    assert [s.speaker for s in store.segments()] == ["S1", "S2", "S2", "S2"]
    later = replace(seg(4, "Thanks.", speaker="S3"), relabels=(Relabel(2, "S3"), Relabel(4, "S1"), Relabel(9, "S1")))
    assert store.add_segment(later)
    assert not store.add_segment(fixed)  # resent: its relabel of line 2 would undo the later one
    assert [s.speaker for s in store.segments()] == ["S1", "S2", "S3", "S2", "S3"]
    assert [(s.label, s.lines) for s in store.speakers()] == [("S1", 1), ("S2", 2), ("S3", 2)]


def test_ended_state_and_reopen(shelf):
    with shelf.open("m", "t") as store:
        assert store.ended() is None
        store.add_segment(seg(0, "Hello."))
        store.set_ended("interrupted", 2.5)
    with shelf.open_existing("m") as store:
        ended = store.ended()
        assert ended["reason"] == "interrupted" and ended["audio_seconds"] == 2.5 and ended["wall"] > 0
        store.reopen()  # an explicit resume: not ended any more
    with shelf.open_existing("m") as store:
        assert store.ended() is None and store.meta()["stream"] == "t" and store.meta()["schema_version"] == "1"


def test_the_catalogue_rules_hold_on_the_shelf(shelf):
    rec = Recording("text", "/x/a.txt", "a.txt", "ab" * 32, 6.0)
    noon = 1796133900.0
    first = catalog.open_session(shelf, rec, now=noon)
    second = catalog.open_session(shelf, rec, now=noon)  # the same minute: a name of its own
    assert second.name == first.name + "-2" and not second.resumed and second.ref.exists()
    assert catalog.new_name(shelf, rec, noon) == first.name + "-3"  # reserved at once
    with second.ref.open() as store:
        store.add_segment(seg(0, "the Falcon budget"))
        store.set_ended("interrupted", 3.0)
    assert catalog.info(second.ref).recording == rec and catalog.info(second.ref).state == "interrupted"
    assert [s.name for s in catalog.unfinished(shelf, rec)][-1] == second.name
    resumed = catalog.open_session(shelf, rec, resume=second.name)
    assert resumed.resumed and resumed.resume_at == 2.5 and catalog.info(resumed.ref).ended == ""
    other = Recording("text", "/x/b.txt", "b.txt", "cd" * 32, 6.0)
    with pytest.raises(InputError, match="b.txt differs"):
        catalog.open_session(shelf, other, resume=second.name)
    with pytest.raises(InputError, match="no session 'nope'"):
        catalog.open_session(shelf, rec, resume="nope")
    assert catalog.resolve(shelf, second.name).name == second.name
    with pytest.raises(InputError, match="names 3 sessions"):
        catalog.resolve(shelf, first.name[:10])
    listed = catalog.list_sessions(shelf)
    assert [s.name for s in listed] == [first.name, second.name, first.name + "-3"]
    assert catalog.latest(shelf).name == first.name + "-3"
    catalog.delete(second.ref)
    assert not second.ref.exists() and second.name not in shelf.names()
    with pytest.raises(InputError):
        second.ref.open_existing()
    assert catalog.open_session(shelf, rec, session=second.name).resumed is False  # the name is free again


WRITER = """
import sys
from pathlib import Path
from pipeline.messages import Segment
from stages.summarize.shelves import FileShelf, PgShelf
spec, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
shelf = PgShelf(spec) if spec.startswith("postgresql://") else FileShelf(Path(spec))
with shelf.open(name, "w") as store:
    for i in range(n):
        if i == n // 2:
            print("half", flush=True)
            sys.stdin.readline()  # the reader looks now
        store.add_segment(Segment("w", i, f"line {i} from the writer", 3.0 * i, 3.0 * i + 2.5))
    store.set_ended("eof", 3.0 * n)
print("done", flush=True)
"""


def test_a_writer_and_a_reader_in_two_processes(shelf):
    """The stage writes while `sinkscribe export`/`ask` read: committed segments are seen at once,
    nothing is half-written, and neither blocks the other."""
    with shelf.open("live", "w"):
        pass
    with shelf.open_existing("live") as reader:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        writer = subprocess.Popen([sys.executable, "-c", WRITER, spec_of(shelf), "live", "40"], cwd=ROOT, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)  # fmt: skip
        try:
            assert reader.count_segments() == 0
            assert writer.stdout.readline().strip() == "half"  # the writer holds its store open, mid-meeting
            assert reader.count_segments() == 20 and reader.last_seq() == 19 and reader.ended() is None
            assert reader.search("line writer", limit=1) and reader.missing_seqs() == []
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "done"
            assert writer.wait(60) == 0
        finally:
            if writer.poll() is None:
                writer.kill()
                writer.wait()
        assert reader.count_segments() == 40 and reader.missing_seqs() == [] and reader.ended()["reason"] == "eof"
        assert [s.seq for s in reader.segments(after_seq=35)] == [36, 37, 38, 39]


def test_a_writer_whose_session_was_claimed_after_it_writes_nothing_more(shelf):
    """Fencing (a cluster host wrongly declared lost must not keep writing a session another host
    continues): after a later claim, every write of the earlier claimant fails and stores nothing; the
    new claimant, readers, and stores that never claimed are unaffected."""
    with shelf.open("fenced", "m") as old, shelf.open("fenced", "m") as new:
        assert old.claim() == 1
        assert old.add_segment(seg(0, "Written by the first host."))
        assert new.claim() == 2
        for write in (lambda: old.add_segment(seg(1, "Too late.")), lambda: old.add_summary(1, 5.5, "x", False),
                      lambda: old.save_notes(1, []), lambda: old.add_answer("r", "q?", "a", ()),
                      lambda: old.set_ended("eof", 5.5), old.reopen,
                      lambda: old.save_summary(1, 5.5, "x", False, [{"kind": "fact"}])):  # fmt: skip
            with pytest.raises(SessionFenced, match="another writer claimed this session"):
                write()
        assert new.add_segment(seg(1, "Written by the second host."))
        new.save_summary(1, 5.5, "Overview.", False, [{"kind": "decision", "text": "x"}])  # both in one write
        with shelf.open_existing("fenced") as reader:
            assert [s.text for s in reader.segments()] == ["Written by the first host.", "Written by the second host."]
            assert [s.text for s in reader.summaries()] == ["Overview."] and reader.ended() is None
            assert reader.answers() == [] and reader.latest_notes() == [{"kind": "decision", "text": "x"}]
            reader.name_speaker("Ann", "Annabel")  # a reader's own meta (names) is not a session write
        new.set_ended("eof", 5.5)
        assert new.ended()["reason"] == "eof"


CLAIMED_WRITER = """
import sys
from pathlib import Path
from pipeline.messages import Segment
from stages.summarize.shelves import FileShelf, PgShelf
from stages.summarize.store import SessionFenced
spec, name = sys.argv[1], sys.argv[2]
shelf = PgShelf(spec) if spec.startswith("postgresql://") else FileShelf(Path(spec))
with shelf.open(name, "w") as store:
    store.claim()
    try:
        for i in range(100000):
            store.add_segment(Segment("w", i, f"line {i}", 3.0 * i, 3.0 * i + 2.5))
    except SessionFenced:
        print("fenced", flush=True)
"""


def test_no_write_of_the_fenced_writer_lands_after_the_claim_returns(shelf):
    """A writer in another process writing as fast as it can: once the new claim has returned, the
    session holds no more of its segments (the check and the write are one transaction)."""
    with shelf.open("race", "w"):
        pass
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", CLAIMED_WRITER, spec_of(shelf), "race"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        with shelf.open_existing("race") as reader, shelf.open("race", "w") as taker:
            deadline = time.monotonic() + 60
            while reader.count_segments() < 20 and time.monotonic() < deadline and writer.poll() is None:
                time.sleep(0.05)
            assert reader.count_segments() >= 20, "the first writer never got going"
            taker.claim()
            after_claim = reader.count_segments()
            assert writer.stdout.readline().strip() == "fenced"
            assert writer.wait(60) == 0
            assert reader.count_segments() == after_claim and reader.missing_seqs() == []
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()


# -- what only one backend has ---------------------------------------------------------------------------
def test_not_a_session_file(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("these are notes, not a database" * 100)
    with pytest.raises(InputError, match="not a sinkscribe session file"):
        SessionStore(bad)
    with pytest.raises(InputError, match="no such session file"):
        SessionStore.open_existing(tmp_path / "missing.sqlite")


def test_bad_or_unreachable_databases_are_one_line_errors_without_the_password(pg_url):
    from tests.conftest import free_port
    from tests.pg_support import PASSWORD

    with pytest.raises(InputError, match="no session 'missing'"):
        PgShelf(pg_url).open_existing("missing")
    cases = [pg_url.replace(":5", ":x5", 1).replace("@127.0.0.1:", "@127.0.0.1:port"),  # not a port
             pg_url.rsplit(":", 1)[0].rsplit(":", 1)[0] + f":{PASSWORD}@127.0.0.1:{free_port()}/db",  # nobody there
             pg_url.replace(PASSWORD, "wrong-" + PASSWORD)]  # refused  # fmt: skip
    for url in cases:
        with pytest.raises(InputError) as exc:
            PgShelf(url).names()
        message = str(exc.value)
        assert "\n" not in message and PASSWORD not in message and "postgresql://sinkscribe@127.0.0.1" in message, message
