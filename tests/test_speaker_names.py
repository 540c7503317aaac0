"""`sinkscribe speakers`: listing a session's speaker labels and naming them (S2 -> Maria).

Segments keep their label; the name is stored with the session and applied wherever segments are read
(exports, the model's transcript, notes, published segments of a running session), from then on.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipeline import config as config_io
from pipeline.cli import main
from pipeline.messages import Segment, Word
from stages.settings import AppConfig
from stages.summarize.export import export
from stages.summarize.store import SessionStore

LINES = [("S1", "Good morning, everyone. Let's start with the release plan."),
         ("S2", "I will fix the payment issues and write the test plan by Wednesday."),
         ("S1", "Thank you."),
         ("S3", "The campaign can move, but the press release must be ready a week before.")]  # fmt: skip


def asr_segment(seq: int, who: str, text: str) -> Segment:
    words = tuple(Word(w, 5.0 * seq + 0.3 * k, 5.0 * seq + 0.3 * k + 0.25) for k, w in enumerate(text.split()))
    return Segment("t", seq, text, 5.0 * seq, 5.0 * seq + 4.0, words, who)


def stored_session(path: Path) -> Path:
    with SessionStore(path, "t") as store:
        for seq, (who, text) in enumerate(LINES):
            store.add_segment(asr_segment(seq, who, text))
    return path


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_names_apply_when_segments_are_read_and_labels_stay(tmp_path: Path) -> None:
    path = stored_session(tmp_path / "2026-12-01_1000_m.sqlite")
    with SessionStore.open_existing(path) as live, SessionStore.open_existing(path) as other:
        other.name_speaker("S2", "Sarah")  # another process: `sinkscribe speakers` during the meeting
        assert [s.speaker for s in live.segments()] == ["S1", "S2", "S1", "S3"]  # not yet re-read
        assert live.refresh_names() == {"S2": "Sarah"}
        assert [s.speaker for s in live.segments()] == ["S1", "Sarah", "S1", "S3"]
        assert "Sarah" in export(live, "md") and "<v Sarah>" in export(live, "vtt")  # re-rendered with the name
        assert [(s.label, s.name, s.lines) for s in live.speakers()] == [("S1", "", 2), ("S2", "Sarah", 1),
                                                                          ("S3", "", 1)]  # fmt: skip
        other.name_speaker("S2", None)
        live.refresh_names()
        assert [s.speaker for s in live.segments()][1] == "S2"


def test_the_command_lists_and_names_speakers(tmp_path: Path) -> None:
    path = stored_session(tmp_path / "2026-12-01_1000_m.sqlite")
    listed = cli("speakers", str(path))
    assert listed.exit_code == 0, listed.output
    rows = listed.stdout.splitlines()
    assert [r.split()[0] for r in rows] == ["S1", "S2", "S3"]
    assert "2 lines" in rows[0] and "Good morning, everyone" in rows[0]  # the longest line as the sample
    named = cli("speakers", str(path), "--name", "S2=Sarah", "--name", "S3=Tom O'Neil")
    assert named.exit_code == 0, named.output
    assert named.stdout.splitlines()[1].startswith("S2 -> Sarah")
    as_json = [json.loads(r) for r in cli("speakers", str(path), "--json").stdout.splitlines()]
    assert [(s["label"], s["name"]) for s in as_json] == [("S1", ""), ("S2", "Sarah"), ("S3", "Tom O'Neil")]
    with SessionStore.open_existing(path) as store:
        assert [s.speaker for s in store.segments()] == ["S1", "Sarah", "S1", "Tom O'Neil"]


def test_bad_namings_are_one_line_errors_and_store_nothing(tmp_path: Path) -> None:
    path = stored_session(tmp_path / "2026-12-01_1000_m.sqlite")
    cases = [("S2", "LABEL=NAME"), ("S9=Maria", "not a speaker of this session (its speakers: S1, S2, S3)"),
             ("S2=Maria: boss", "not a usable name"), ("S2=" + "x" * 41, "at most 40"), ("S2=2pac", "not a usable name")]
    for value, message in cases:
        done = cli("speakers", str(path), "--name", "S1=Maria", "--name", value)
        assert done.exit_code != 0 and message in done.output and "Traceback" not in done.output, (value, done.output)
    with SessionStore.open_existing(path) as store:
        assert store.speaker_names() == {}  # the valid S1=Maria before the bad one was not stored either


def test_a_running_summarizer_uses_a_name_from_the_next_line_on(tmp_path: Path) -> None:
    from stages.summarize.stage import build_summarizer

    cfg = config_io.load(AppConfig, None, {"summarize.model": "smollm2-135m"})
    path = tmp_path / "2026-12-01_1000_live.sqlite"
    with SessionStore(path, "t") as store, SessionStore(path, "t") as cli_side:
        summarizer = build_summarizer(cfg, store)
        model_lines: list[str] = []
        line_of = summarizer._line  # the line the model reads for a segment (now or at its next read_up)
        summarizer._line = lambda seg: model_lines.append(line_of(seg)) or model_lines[-1]
        first = summarizer.add_segments([asr_segment(0, "S2", LINES[1][1])])
        cli_side.name_speaker("S2", "Sarah")
        later = summarizer.add_segments([asr_segment(1, "S2", "And the startup fix goes into the release.")])
        assert (first[0].speaker, later[0].speaker) == ("S2", "Sarah")  # published with the name from now on
        assert [s.speaker for s in store.segments()] == ["Sarah", "Sarah"]  # read back named, earlier line too
        raw = store.db.execute("SELECT speaker FROM segments ORDER BY seq").fetchall()
        assert [r[0] for r in raw] == ["S2", "S2"]  # stored as labelled
        assert "S2: I will fix" in model_lines[0] and "Sarah: And the startup fix" in model_lines[1]


def test_a_relabel_reaches_the_store_the_published_copy_and_the_notes(tmp_path: Path) -> None:
    """Transcribe's labeller gave "I will send the budget ..." to S1 and corrected it to S2 (named Sarah)
    on the next segment: the store holds the correction, summarize's published copy carries it with the
    name, and the notes (extracted from the store's lines) give the task to Sarah, not to S1."""
    from dataclasses import replace

    from pipeline.messages import Relabel
    from stages.summarize.stage import build_summarizer

    cfg = config_io.load(AppConfig, None, {"summarize.model": "smollm2-135m"})
    path = tmp_path / "2026-12-01_1000_relabel.sqlite"
    with SessionStore(path, "t") as store:
        summarizer = build_summarizer(cfg, store)
        store.name_speaker("S2", "Sarah")
        summarizer.add_segments([asr_segment(0, "S1", "Good morning, let us start with the budget.")])
        summarizer.add_segments([asr_segment(1, "S1", "I will send the budget to finance on Friday.")])
        fixed = replace(asr_segment(2, "S2", "It is nearly done already."), relabels=(Relabel(1, "S2"),))
        published = summarizer.add_segments([fixed])
        assert published[0].relabels == (Relabel(1, "Sarah"),) and published[0].speaker == "Sarah"
        assert [s.speaker for s in store.segments()] == ["S1", "Sarah", "Sarah"]
        raw = store.db.execute("SELECT speaker FROM segments ORDER BY seq").fetchall()
        assert [r[0] for r in raw] == ["S1", "S2", "S2"]  # stored as labelled, corrected
        notes = summarizer.summarize(final=True)
        assert "Sarah: Send the budget to finance (due Friday)" in notes, notes
        assert "S1:" not in notes, notes
